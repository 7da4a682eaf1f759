import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality for byte strings of any lengths. Never throws. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
