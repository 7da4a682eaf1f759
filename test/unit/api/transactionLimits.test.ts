import { describe, expect, it } from 'vitest';
import { authenticationRequestSchema, transactionLimits } from '../../../api/schemas.js';

// UAF transaction limits (issue 9, finding 4): one valid base, one broken rule per row.
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const text = (value: string) => ({ contentType: 'text/plain', content: Buffer.from(value).toString('base64url') });
const png = (bytes: Buffer) => ({ contentType: 'image/png', content: bytes.toString('base64url') });
const parse = (transaction: unknown) => authenticationRequestSchema.safeParse({ op: 'Auth', context: { username: 'u', transaction } });

describe('context.transaction', () => {
  it.each([
    { case: '200 characters of text (multi-byte)', transaction: [text('€'.repeat(transactionLimits.textCharacters))] },
    { case: 'a text and a PNG', transaction: [text('Pay 10 CHF'), png(Buffer.concat([pngSignature, Buffer.alloc(100)]))] },
    { case: 'a PNG of 64 KiB', transaction: [png(Buffer.concat([pngSignature, Buffer.alloc(transactionLimits.imageBytes - pngSignature.length)]))] },
  ])('accepts $case', ({ transaction }) => {
    expect(parse(transaction).success).toBe(true);
  });

  it.each([
    { rule: 'text over 200 characters', transaction: [text('x'.repeat(transactionLimits.textCharacters + 1))], path: 'content' },
    { rule: 'text that is not UTF-8', transaction: [{ contentType: 'text/plain', content: Buffer.from([0xc3, 0x28]).toString('base64url') }], path: 'content' },
    { rule: 'a PNG over 64 KiB', transaction: [png(Buffer.concat([pngSignature, Buffer.alloc(transactionLimits.imageBytes)]))], path: 'content' },
    { rule: 'an image that is not a PNG', transaction: [png(Buffer.from('GIF89a'))], path: 'content' },
    { rule: 'three entries', transaction: [text('a'), png(pngSignature), text('b')], path: 'transaction' },
    { rule: 'two texts', transaction: [text('a'), text('b')], path: 'transaction' },
    { rule: 'no entry', transaction: [], path: 'transaction' },
    { rule: 'an unknown content type', transaction: [{ contentType: 'text/html', content: 'eA' }], path: 'contentType' },
    { rule: 'PNG characteristics on a text', transaction: [{ ...text('a'), tcDisplayPNGCharacteristics: { width: 1, height: 1, bitDepth: 8, colorType: 2, compression: 0, filter: 0, interlace: 0 } }], path: 'tcDisplayPNGCharacteristics' },
  ])('refuses $rule', ({ transaction, path }) => {
    const result = parse(transaction);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.map(String)).toContain(path);
  });
});
