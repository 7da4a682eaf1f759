import { EncodingMalformed } from '../errors.js';

/** JSON.parse that throws a coded `invalidJson` error. */
export function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new EncodingMalformed('invalidJson', 'The text is not JSON.', { field, cause });
  }
}
