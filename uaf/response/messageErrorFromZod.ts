import type { z } from 'zod';
import { MessageMalformed } from '../errors.js';

/**
 * Turns the first zod issue into a coded error naming the failing member: `missingField` when the
 * member is absent, `unexpectedField` for an unknown member, `invalidField` otherwise.
 */
export function messageErrorFromZod(error: z.ZodError, input: unknown, prefix: string): MessageMalformed {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = formatPath(prefix, path);
  if (issue?.code === 'unrecognized_keys') {
    return new MessageMalformed('unexpectedField', 'The message has a member the spec does not define.', {
      field,
      seen: issue.keys,
    });
  }
  if (valueAt(input, path) === undefined) {
    return new MessageMalformed('missingField', 'A required member is missing.', { field });
  }
  return new MessageMalformed('invalidField', 'A member has the wrong type or value.', {
    field,
    expected: issue?.message,
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `header.exts[0].id` style, as the rest of the library names fields. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (field, key) => (typeof key === 'number' ? `${field}[${key}]` : field === '' ? String(key) : `${field}.${String(key)}`),
    prefix,
  );
}
