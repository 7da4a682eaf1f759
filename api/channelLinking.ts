import { randomInt } from 'node:crypto';
import type { ChannelLinking } from '../contract/operation.js';

/** Letters and digits no one confuses when reading them off two screens (no 0/O, 1/I/L). */
const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const visualStringLength = 6;

/**
 * Channel linking values (API.md extensions), from the CSPRNG: a visual string shown on both
 * screens, or a two-digit number the browser shows and the phone must pick among three.
 */
export function createChannelLinking(mode: ChannelLinking['mode']): ChannelLinking {
  if (mode === 'visual-string') {
    return { mode, string: Array.from({ length: visualStringLength }, () => alphabet[randomInt(alphabet.length)]).join('') };
  }
  const numbers = new Set<string>();
  while (numbers.size < 3) numbers.add(String(randomInt(10, 100)));
  const choices = [...numbers];
  return { mode, string: choices[randomInt(choices.length)]!, choices };
}
