/**
 * The OpenAPI document is valid OpenAPI 3.1 (a validator, not our own reading of it), is built from
 * the routes' zod schemas, and lists exactly the contract's error codes under each status.
 */
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../contract/errors.js';
import { buildOpenApiDocument } from '../../../api/openapi.js';
import { redeemRequestSchema } from '../../../api/schemas.js';

type Json = Record<string, any>;
const document = buildOpenApiDocument('http://127.0.0.1:3000') as Json;

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('the validator refuses a broken document (so the check above can fail)', async () => {
    const broken = structuredClone(document);
    broken.paths['/nevisfido/status'].post.responses = { ok: { description: 'not a status code' } };
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it('takes request bodies from the zod schemas the routes validate with', () => {
    const body = document.paths['/nevisfido/token/redeem/authentication'].post.requestBody.content['application/json'].schema;
    expect(body.properties.token).toEqual({ type: 'string', minLength: 16, maxLength: 128 });
    expect(redeemRequestSchema.shape.token.maxLength).toBe(128);
  });

  it('lists under each error status exactly the codes of contract/errors.ts with that status', () => {
    const notFound = document.paths['/nevisfido/token/redeem/registration'].post.responses['404'].content['application/json'].schema;
    const expected = Object.entries(errorCodes).filter(([, codes]) => codes.http === 404).map(([code]) => code);
    expect(notFound.properties.error.enum).toEqual(expected);
    expect(expected).toContain('tokenNotFound');
  });

  it('documents every endpoint of docs/api.md', () => {
    const paths = Object.keys(document.paths);
    for (const path of ['/nevisfido/uaf/1.1/facets', '/nevisfido/status', '/nevisfido/token/dispatch/targets/{id}', '/nevisfido/token/dispatch/deregistration', '/metrics', '/admin/users/{username}/audit']) {
      expect(paths).toContain(path);
    }
  });
});
