import { describe, expect, it } from 'vitest';
import { httpLogLevelOf } from '../../../api/httpLogLevel.js';

describe('httpLogLevelOf', () => {
  it.each([
    { method: 'POST', path: '/nevisfido/status', statusCode: 200, level: 'debug' },
    { method: 'GET', path: '/nevisfido/status/abc-123/events', statusCode: 200, level: 'debug' },
    { method: 'POST', path: '/nevisfido/status', statusCode: 400, level: 'info' },
    { method: 'GET', path: '/nevisfido/status/abc-123/events', statusCode: 429, level: 'info' },
    { method: 'POST', path: '/nevisfido/status', statusCode: 503, level: 'error' },
    { method: 'GET', path: '/nevisfido/status', statusCode: 200, level: 'info' },
    { method: 'GET', path: '/nevisfido/status/a/b/events', statusCode: 200, level: 'info' },
    { method: 'POST', path: '/nevisfido/token/dispatch/authentication', statusCode: 200, level: 'info' },
    { method: 'POST', path: '/nevisfido/uaf/1.1/authentication', statusCode: 500, level: 'error' },
  ])('$method $path $statusCode → $level', ({ method, path, statusCode, level }) => {
    expect(httpLogLevelOf(method, path, statusCode)).toBe(level);
  });

  it('logs a request that ended in an error at error, a status poll too', () => {
    expect(httpLogLevelOf('POST', '/nevisfido/status', 200, new Error('socket hang up'))).toBe('error');
  });
});
