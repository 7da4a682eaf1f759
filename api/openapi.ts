import { Router } from 'express';
import { z } from 'zod';
import { errorCodes } from '../contract/errors.js';
import { adminCredentialSchema, adminLimitSchema, adminUsernameSchema } from './adminRoutes.js';
import { resource } from './contentNegotiation.js';
import { createTargetSchema, usernameQuerySchema } from './dispatchTargetRoutes.js';
import {
  authenticationRequestSchema,
  deregistrationRequestSchema,
  dispatchTokenRequestSchema,
  redeemRequestSchema,
  registrationRequestSchema,
  sendUafResponseSchema,
  statusRequestSchema,
} from './schemas.js';

/**
 * The OpenAPI 3.1 document of the HTTP API (`GET /openapi.json`), built from the zod schemas the
 * routes validate with (a schema change changes the document) and from the contract's one error
 * table (each status lists exactly the error codes that answer with it). Response bodies, which
 * no route validates, are described here. docs/api.md stays the prose contract; test/api/openapi.test.ts
 * validates this document, and schemathesis drives the running stack with it.
 */

type JsonSchema = Record<string, unknown>;
type Schema = z.ZodType;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends. */
const inputSchema = (schema: Schema): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const errorBody = (status: number): JsonSchema => ({
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: Object.entries(errorCodes).filter(([, codes]) => codes.http === status).map(([code]) => code) },
    message: { type: 'string' },
    statusCode: { type: 'integer', description: 'UAF status code, on UAF endpoints where the code has one' },
    dispatchResult: { type: 'string', description: 'a refused dispatch: its dispatchResult' },
  },
});

const descriptions: Record<number, string> = {
  400: 'malformed JSON, a missing or invalid member',
  401: 'no key, or a wrong one',
  403: 'the caller may not act on this resource',
  404: 'unknown id',
  405: 'method not allowed (Allow header)',
  406: 'the Accept header admits no type this endpoint answers',
  409: 'state conflict',
  410: 'expired or superseded',
  413: 'body over 64 KiB',
  415: 'wrong Content-Type',
  422: 'a rule is broken',
  429: 'a limit (push fatigue, rate, event streams); Retry-After',
  503: 'the operation could not answer in time, or a dependency is down; Retry-After where it applies',
};

const errorResponse = (status: number) => ({ description: descriptions[status] ?? 'error', content: { 'application/json': { schema: errorBody(status) } } });

/** What any endpoint may answer besides its own: docs/api.md "Conventions". */
const commonErrors = [400, 406, 413, 415, 429, 503];

const json = (schema: JsonSchema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const uaf = (schema: JsonSchema, description = 'OK') => ({
  description,
  content: { 'application/fido+uaf': { schema }, 'application/json': { schema } },
});

const returnUafRequest: JsonSchema = {
  type: 'object',
  required: ['statusCode', 'op', 'uafRequest', 'lifetimeMillis'],
  properties: { statusCode: { type: 'integer' }, op: { enum: ['Reg', 'Auth', 'Dereg'] }, uafRequest: { type: 'string' }, lifetimeMillis: { type: 'integer' } },
};
const serverResponse: JsonSchema = {
  type: 'object',
  required: ['statusCode'],
  properties: {
    statusCode: { type: 'integer' },
    description: { type: 'string' },
    additionalTokens: { type: 'array', items: { type: 'object', required: ['type', 'value'], properties: { type: { const: 'JWT' }, value: { type: 'string' } } } },
  },
};
const dispatchTokenResponse: JsonSchema = {
  type: 'object',
  required: ['sessionId', 'dispatchResult'],
  properties: {
    token: { type: 'string' },
    sessionId: { type: 'string' },
    dispatchResult: { enum: ['dispatched', 'dispatchError', 'dispatchTargetExpired', 'dispatchTargetNotFound', 'dispatcherNotFound', 'userNotFound', 'internalError'] },
    dispatcherInformation: { type: 'object', properties: { name: { type: 'string' }, response: { type: 'string' } } },
    channelLinking: { type: 'object', properties: { mode: { type: 'string' }, string: { type: 'string' } } },
  },
};
const statusResponse: JsonSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: ['tokenCreated', 'clientRegistering', 'clientAuthenticating', 'succeeded', 'failed', 'unknown'] },
    timestamp: { type: 'string' },
    userId: { type: 'string' },
    uafStatusCode: { type: 'integer' },
    asmStatusCode: { type: 'integer' },
    clientErrorCode: { type: 'integer' },
    authenticators: { type: 'array' },
    tokenInformation: { type: 'object' },
  },
};
const dispatchTargetView: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'dispatcher'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, dispatcher: { type: 'string' } },
};
const anyObject: JsonSchema = { type: 'object' };

const parameter = (name: string, location: 'path' | 'query' | 'header', schema: JsonSchema, required = location !== 'query') => ({ name, in: location, required, schema });
/** The Device Service's authentication (docs/api.md endpoints 15–17): a compact JWS by a target's signatureKey. */
const deviceSignature = parameter('Device-Signature', 'header', { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+$' });
const queryParameters = (schema: Schema) =>
  Object.entries((inputSchema(schema).properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) =>
    parameter(name, 'query', property, ((inputSchema(schema).required as string[] | undefined) ?? []).includes(name)),
  );
const pathParameters = (schema: Schema) =>
  Object.entries((inputSchema(schema).properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => parameter(name, 'path', property));

interface Operation {
  summary: string;
  security?: 'rp' | 'device' | 'operator' | 'rpOrDevice';
  body?: Schema | { mediaType: string; schema: JsonSchema };
  parameters?: unknown[];
  ok: Record<number, unknown>;
  errors?: number[];
}

const securityOf = {
  rp: [{ relyingPartyKey: [] }],
  device: [{ deviceToken: [] }],
  operator: [{ operatorKey: [] }],
  rpOrDevice: [{ relyingPartyKey: [] }, { deviceToken: [] }],
} as const;

function operationObject({ summary, security, body, parameters, ok, errors = [] }: Operation): JsonSchema {
  const statuses = [...new Set([...commonErrors, ...errors, ...(security ? [401] : [])])].sort();
  return {
    summary,
    ...(security && { security: securityOf[security] }),
    ...(parameters && { parameters }),
    ...(body && {
      requestBody: {
        required: true,
        content: 'mediaType' in body ? { [body.mediaType]: { schema: body.schema } } : { 'application/json': { schema: inputSchema(body) } },
      },
    }),
    responses: { ...ok, ...Object.fromEntries(statuses.map((status) => [String(status), errorResponse(status)])) },
  };
}

const operations = ['registration', 'authentication', 'deregistration'] as const;
const requestSchemas = { registration: registrationRequestSchema, authentication: authenticationRequestSchema, deregistration: deregistrationRequestSchema };
const targetsPath = '/nevisfido/token/dispatch/targets';
const adminUserPath = '/admin/users/{username}';

/** `paths` of the document: method → operation, per path. */
function buildPaths(): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, Operation>> = {
    '/nevisfido/uaf/1.1/facets': {
      get: { summary: 'Trusted facets', ok: { 200: { description: 'OK', content: { 'application/fido.trusted-apps+json': { schema: anyObject }, 'application/json': { schema: anyObject } } } } },
    },
    '/nevisfido/uaf/1.1/registration': {
      post: { summary: 'UAF registration response (phone)', body: sendUafResponseSchema, ok: { 200: uaf(serverResponse) }, errors: [404, 409, 410, 422] },
    },
    '/nevisfido/uaf/1.1/authentication': {
      post: { summary: 'UAF authentication response (phone)', body: sendUafResponseSchema, ok: { 200: uaf(serverResponse) }, errors: [404, 409, 410, 422] },
    },
    '/nevisfido/status': {
      post: { summary: 'Operation status', body: statusRequestSchema, ok: { 200: json(statusResponse) } },
    },
    '/nevisfido/status/{sessionId}/events': {
      get: {
        summary: 'Operation status as Server-Sent Events',
        parameters: [parameter('sessionId', 'path', { type: 'string', minLength: 1, maxLength: 128 })],
        // Each event: `event: status`, `data:` the StatusResponse as JSON.
        ok: { 200: { description: 'event stream until the operation ends', content: { 'text/event-stream': { schema: { type: 'object', required: ['data'], properties: { event: { const: 'status' }, data: { type: 'string', contentMediaType: 'application/json' } } } } } } },
        errors: [404],
      },
    },
    [targetsPath]: {
      post: { summary: 'Create a dispatch target (phone)', security: 'device', body: createTargetSchema, ok: { 201: json({ type: 'object', required: ['id', 'extId'], properties: { id: { type: 'string' }, extId: { type: 'string' } } }, 'Created') }, errors: [403, 409, 422] },
      get: { summary: "A user's dispatch targets", security: 'rp', parameters: queryParameters(usernameQuerySchema), ok: { 200: json({ type: 'object', properties: { dispatchTargets: { type: 'array', items: dispatchTargetView } } }) }, errors: [404] },
    },
    [`${targetsPath}/{id}`]: {
      get: { summary: 'One dispatch target', security: 'rp', parameters: [parameter('id', 'path', { type: 'string' })], ok: { 200: json(dispatchTargetView) }, errors: [404] },
      patch: {
        summary: 'Change a dispatch target (compact JWS signed by the phone)',
        parameters: [parameter('id', 'path', { type: 'string' })],
        body: { mediaType: 'application/jose', schema: { type: 'string' } },
        ok: { 204: { description: 'changed' } },
        errors: [401, 403, 404, 422],
      },
      delete: { summary: 'Delete a dispatch target', security: 'rpOrDevice', parameters: [parameter('id', 'path', { type: 'string' })], ok: { 204: { description: 'deleted' } }, errors: [403, 404] },
    },
    '/nevisfido/devices/credentials/{deviceId}': {
      get: { summary: "A device's credentials (Device Service)", parameters: [deviceSignature, parameter('deviceId', 'path', { type: 'string' })], ok: { 200: json(anyObject) }, errors: [401] },
      delete: { summary: "Remove a device's credentials and dispatch targets (Device Service)", parameters: [deviceSignature, parameter('deviceId', 'path', { type: 'string' })], ok: { 204: { description: 'removed' } }, errors: [401] },
    },
    '/nevisfido/devices/operations': {
      get: { summary: 'Operations dispatched to the device, neither redeemed nor expired (fetch channel)', parameters: [deviceSignature], ok: { 200: json(anyObject) }, errors: [401] },
    },
    '/healthz': { get: { summary: 'Health: Temporal and MongoDB reachable', ok: { 200: json(anyObject) } } },
    '/healthz/workflow': { get: { summary: 'Health: a probe workflow through a worker', security: 'rp', ok: { 200: json(anyObject) } } },
    '/metrics': { get: { summary: 'Prometheus metrics (METRICS_API_KEYS)', security: 'operator', ok: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } }, errors: [404] } },
    [adminUserPath]: {
      get: { summary: "A user's credentials and dispatch targets", security: 'operator', parameters: pathParameters(adminUsernameSchema), ok: { 200: json(anyObject) }, errors: [404] },
      delete: { summary: 'Erase everything of a user', security: 'operator', parameters: pathParameters(adminUsernameSchema), ok: { 200: json(anyObject) }, errors: [404] },
    },
    [`${adminUserPath}/credentials`]: {
      delete: { summary: "Revoke every key of a user", security: 'operator', parameters: pathParameters(adminUsernameSchema), ok: { 200: json(anyObject) }, errors: [404] },
    },
    [`${adminUserPath}/credentials/{aaid}/{keyId}`]: {
      delete: { summary: 'Revoke one key', security: 'operator', parameters: pathParameters(adminCredentialSchema), ok: { 204: { description: 'revoked' } }, errors: [404] },
    },
    [`${adminUserPath}/operations`]: {
      get: { summary: "A user's recent operations (Temporal visibility)", security: 'operator', parameters: [...pathParameters(adminUsernameSchema), ...queryParameters(adminLimitSchema)], ok: { 200: json(anyObject) }, errors: [404] },
    },
    [`${adminUserPath}/audit`]: {
      get: { summary: "A user's audit events", security: 'operator', parameters: [...pathParameters(adminUsernameSchema), ...queryParameters(adminLimitSchema)], ok: { 200: json(anyObject) }, errors: [404] },
    },
  };
  for (const operation of operations) {
    paths[`/nevisfido/uaf/1.1/request/${operation}`] = {
      post: {
        summary: `In-band ${operation} request`,
        security: 'rp',
        body: requestSchemas[operation],
        ok: { 200: uaf(returnUafRequest) },
        errors: [404, 409],
      },
    };
    paths[`/nevisfido/token/dispatch/${operation}`] = {
      post: { summary: `Out-of-band ${operation}: dispatch a token`, security: 'rp', body: dispatchTokenRequestSchema, ok: { 200: json(dispatchTokenResponse) }, errors: [404, 409, 410, 422] },
    };
    paths[`/nevisfido/token/redeem/${operation}`] = {
      post: { summary: `Redeem a ${operation} token (phone)`, body: redeemRequestSchema, ok: { 200: uaf(returnUafRequest), 204: { description: 'denied' } }, errors: [404, 409, 410, 422] },
    };
  }
  return Object.fromEntries(Object.entries(paths).map(([path, methods]) => [path, Object.fromEntries(Object.entries(methods).map(([method, op]) => [method, operationObject(op)]))]));
}

/** The whole document; `serverUrl` is PUBLIC_URL. */
export function buildOpenApiDocument(serverUrl: string): JsonSchema {
  return {
    openapi: '3.1.0',
    info: { title: 'Outband', version: '0.1.0', description: 'FIDO UAF server for out-of-band mobile authentication, wire-compatible with nevisFIDO. The prose contract: docs/api.md.' },
    servers: [{ url: serverUrl }],
    paths: buildPaths(),
    components: {
      securitySchemes: {
        relyingPartyKey: { type: 'http', scheme: 'bearer', description: 'a key of RP_API_KEYS' },
        deviceToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'the device token from additionalTokens' },
        operatorKey: { type: 'http', scheme: 'bearer', description: 'a key of METRICS_API_KEYS or ADMIN_API_KEYS' },
      },
    },
  };
}

/** `GET /openapi.json`: the document, built once. */
export function createOpenApiRouter(serverUrl: string): Router {
  const document = buildOpenApiDocument(serverUrl);
  const router = Router();
  resource(router, '/openapi.json', { get: [(_req, res) => void res.json(document)] });
  return router;
}
