import type { Server } from 'node:http';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/apiError.js';
import { consumes, produces, resource } from '../../../api/contentNegotiation.js';
import { errorHandler, notFoundHandler } from '../../../api/errorHandler.js';
import { jsonBody } from '../../../api/jsonBody.js';

// The app's real middleware around one UAF-like resource, to pin the error conventions of API.md.
let server: Server;
let url: string;
beforeAll(async () => {
  const router = Router();
  resource(router, '/nevisfido/echo', {
    post: [
      consumes('application/fido+uaf', 'application/json'),
      produces('application/fido+uaf'),
      (req, res) => {
        if (typeof req.body?.value !== 'string') throw new ApiError('invalidRequest', 'value is required.', 1491);
        res.type('application/fido+uaf').send(JSON.stringify({ value: req.body.value }));
      },
    ],
  });
  const app = express().use(jsonBody).use(router).use(notFoundHandler).use(errorHandler);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());

const uaf = 'application/fido+uaf;charset=UTF-8';

interface Row {
  name: string;
  path?: string;
  init: RequestInit;
  status: number;
  error: string;
  statusCode?: number;
  allow?: string;
}

describe('error conventions', () => {
  it.each<Row>([
    { name: 'malformed JSON', init: { method: 'POST', headers: { 'content-type': uaf }, body: '{"value":' }, status: 400, error: 'malformedJson' },
    { name: 'a missing field', init: { method: 'POST', headers: { 'content-type': uaf }, body: '{}' }, status: 400, error: 'invalidRequest', statusCode: 1491 },
    { name: 'an unknown path', path: '/nevisfido/nothing', init: { method: 'GET' }, status: 404, error: 'notFound' },
    { name: 'a wrong method', init: { method: 'DELETE' }, status: 405, error: 'methodNotAllowed', allow: 'POST' },
    { name: 'an unacceptable Accept', init: { method: 'POST', headers: { 'content-type': uaf, accept: 'text/html' }, body: '{"value":"x"}' }, status: 406, error: 'notAcceptable' },
    { name: 'a body over 64 KiB', init: { method: 'POST', headers: { 'content-type': uaf }, body: JSON.stringify({ value: 'x'.repeat(70_000) }) }, status: 413, error: 'payloadTooLarge' },
    { name: 'a wrong Content-Type', init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"value":"x"}' }, status: 415, error: 'unsupportedMediaType' },
    { name: 'no Content-Type', init: { method: 'POST', body: new Blob(['{"value":"x"}']) }, status: 415, error: 'unsupportedMediaType' },
  ])('answers $status $error for $name', async ({ path, init, status, error, statusCode, allow }) => {
    const response = await fetch(`${url}${path ?? '/nevisfido/echo'}`, init);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body).toEqual({ error, message: expect.any(String), ...(statusCode ? { statusCode } : {}) });
    if (allow) expect(response.headers.get('allow')).toBe(allow);
  });

  it('serves the same resource with a trailing slash and with plain application/json', async () => {
    const response = await fetch(`${url}/nevisfido/echo/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/fido+uaf' },
      body: '{"value":"ok"}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ value: 'ok' });
  });

  it('answers 500 internalError without details for an unexpected fault', async () => {
    const app = express()
      .get('/boom', () => {
        throw new Error('secret detail');
      })
      .use(errorHandler);
    const local = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => local.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(local.address() as { port: number }).port}/boom`);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: 'internalError', message: 'The server failed to handle the request.' });
      expect(text).not.toContain('secret detail');
    } finally {
      local.close();
    }
  });
});
