import { describe, expect, it } from 'vitest';
import { apiErrorOf } from '../../../api/apiError.js';
import { errorCodes, isErrorCode, UafStatusCode } from '../../../contract/errors.js';
import { errorStatusCodes, isUafStatusCode } from '../../../uaf/index.js';

describe('the error code table (contract/errors.ts)', () => {
  it('gives every code an HTTP error status and a UAF status code or none', () => {
    for (const [code, { http, uaf }] of Object.entries(errorCodes)) {
      expect(http, code).toBeGreaterThanOrEqual(400);
      expect(http, code).toBeLessThan(600);
      if (uaf !== null) expect(isUafStatusCode(uaf), code).toBe(true);
    }
  });

  it('carries every refusal of the uaf/ library with the library’s own UAF status', () => {
    for (const [code, uaf] of Object.entries(errorStatusCodes)) expect(errorCodes[code as keyof typeof errorStatusCodes], code).toMatchObject({ uaf });
  });

  it.each([
    ['noCredentials', 404, UafStatusCode.unknownKeyId],
    ['internalError', 500, UafStatusCode.internalServerError],
    ['credentialExists', 409, UafStatusCode.unauthorized],
    ['counterNotIncreased', 422, UafStatusCode.unauthorized],
    ['invalidJson', 400, UafStatusCode.unacceptableContent],
    ['serverDataExpired', 410, UafStatusCode.requestInvalid],
    ['operationClosed', 409, undefined],
    ['tooManyPendingDispatches', 429, undefined],
  ] as const)('answers a workflow refusal %s with HTTP %i and UAF status %s', (code, http, uaf) => {
    const error = apiErrorOf(code, 'refused');
    expect({ status: error.status, uafStatusCode: error.uafStatusCode }).toEqual({ status: http, uafStatusCode: uaf });
  });

  it('knows only its own codes', () => {
    expect(isErrorCode('noCredentials')).toBe(true);
    expect(isErrorCode('noCredential')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
