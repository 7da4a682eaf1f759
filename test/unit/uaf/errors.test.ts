import { describe, expect, it } from 'vitest';
import {
  AssertionRejected,
  TlvMalformed,
  UafError,
  errorStatusCodes,
  isUafError,
  isUafStatusCode,
  uafStatusText,
} from '../../../uaf/index.js';

describe('errors', () => {
  it('every code is camelCase and maps to a UAF status code', () => {
    for (const [code, statusCode] of Object.entries(errorStatusCodes)) {
      expect([code, /^[a-z][a-zA-Z0-9]*$/.test(code), isUafStatusCode(statusCode)]).toEqual([code, true, true]);
    }
  });

  it('carries code, statusCode, context and cause, and keeps the family name', () => {
    const cause = new Error('inner');
    const error = new AssertionRejected('unknownKeyId', 'No registered credential has this AAID and KeyID.', { field: 'KEYID', seen: 'a', expected: 'b', cause });
    expect(error).toBeInstanceOf(UafError);
    expect(error).toMatchObject({ name: 'AssertionRejected', code: 'unknownKeyId', statusCode: 1481, field: 'KEYID', seen: 'a', expected: 'b', cause });
    expect(isUafError(error)).toBe(true);
    expect(isUafError(new Error('x'))).toBe(false);
    expect(new TlvMalformed('tlvTruncated', 'cut').statusCode).toBe(1498);
  });

  it('status code table covers 1200–1500 exactly as the transport binding lists', () => {
    expect(Object.keys(uafStatusText).map(Number)).toEqual([1200, 1202, 1400, 1401, 1403, 1404, 1408, 1480, 1481, 1490, 1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1500]);
    expect(isUafStatusCode(1499)).toBe(false);
    expect(isUafStatusCode('1200')).toBe(false);
  });
});
