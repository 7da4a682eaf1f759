import express from 'express';

/** Media types whose bodies are parsed as JSON: UAF messages, facets and plain JSON. */
export const jsonMediaTypes = ['application/json', 'application/fido+uaf', 'application/fido.trusted-apps+json'];

/** JSON bodies up to 64 KiB (API.md); larger → 413, malformed → 400 via api/errorHandler.ts. */
export const jsonBody = express.json({ limit: '64kb', type: jsonMediaTypes, strict: false });
