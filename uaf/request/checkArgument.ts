import { ConfigurationInvalid } from '../errors.js';

/** Throws `invalidArgument` naming `field` unless `ok`: builders refuse values the spec forbids. */
export function checkArgument(ok: boolean, field: string, seen: unknown, expected: unknown): void {
  if (!ok) throw new ConfigurationInvalid('invalidArgument', 'A request value is out of the range the spec allows.', { field, seen, expected });
}
