import { describe, expect, it } from 'vitest';
import { decodeSingleTlv, decodeTlv } from '../../../../uaf/tlv/decodeTlv.js';
import { encodeTlv } from '../../../../uaf/tlv/encodeTlv.js';
import { readTlvGroup } from '../../../../uaf/tlv/readTlvGroup.js';
import { Tag } from '../../../../uaf/tlv/tags.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('encodeTlv / decodeTlv', () => {
  it('writes tag and length little-endian', () => {
    expect(Buffer.from(encodeTlv(Tag.AAID, new TextEncoder().encode('ABCD#ABCD'))).toString('hex')).toBe(
      '0b2e0900' + Buffer.from('ABCD#ABCD').toString('hex'),
    );
  });

  it('round-trips a composite with its raw bytes', () => {
    const inner = encodeTlv(Tag.COUNTERS, hex('01000000'));
    const outer = encodeTlv(Tag.UAFV1_SIGNED_DATA, inner, encodeTlv(Tag.TRANSACTION_CONTENT_HASH));
    const top = decodeSingleTlv(outer, Tag.UAFV1_SIGNED_DATA);
    expect(top.raw).toEqual(outer);
    expect(top.children?.map((c) => c.tag)).toEqual([Tag.COUNTERS, Tag.TRANSACTION_CONTENT_HASH]);
    expect(top.children?.[1]?.value.length).toBe(0);
  });

  it.each([
    { rule: 'header cut short', bytes: hex('0b2e09'), code: 'tlvTruncated' },
    { rule: 'length beyond input', bytes: hex('0b2e ffff 41'), code: 'tlvLengthExceedsInput' },
    { rule: 'child length beyond parent', bytes: hex('043e 0600 0b2e 0900 4142'), code: 'tlvLengthExceedsInput' },
  ])('rejects $rule', ({ bytes, code }) => {
    expect(() => decodeTlv(bytes)).toThrow(expect.objectContaining({ code, statusCode: 1498 }));
  });

  it.each([
    { rule: 'trailing bytes', bytes: hex('043e0000 00'), code: 'tlvTruncated' },
    { rule: 'trailing element', bytes: hex('043e0000 0b2e0000'), code: 'tlvTrailingBytes' },
    { rule: 'other top-level tag', bytes: hex('023e0000'), code: 'tlvUnexpectedTag' },
    { rule: 'empty input', bytes: hex(''), code: 'tlvTruncated' },
  ])('decodeSingleTlv rejects $rule', ({ bytes, code }) => {
    expect(() => decodeSingleTlv(bytes, Tag.UAFV1_SIGNED_DATA)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses nesting deeper than the assertion layouts need', () => {
    let bytes = encodeTlv(Tag.AAID, hex('41'));
    for (let i = 0; i < 10; i++) bytes = encodeTlv(Tag.EXTENSION_NON_CRITICAL, bytes);
    expect(() => decodeTlv(bytes)).toThrow(expect.objectContaining({ code: 'tlvTooDeep' }));
  });
});

describe('readTlvGroup', () => {
  const spec = {
    aaid: { tag: Tag.AAID, length: 9 },
    hash: { tag: Tag.TRANSACTION_CONTENT_HASH, minLength: 0, optional: true },
    certs: { tag: Tag.ATTESTATION_CERT, repeated: true, optional: true },
  } as const;
  const aaid = encodeTlv(Tag.AAID, new TextEncoder().encode('ABCD#ABCD'));
  const group = (...children: Uint8Array[]) => decodeSingleTlv(encodeTlv(Tag.UAFV1_KRD, ...children), Tag.UAFV1_KRD);

  it('picks members by tag and skips non-critical extensions', () => {
    const ext = encodeTlv(Tag.EXTENSION_NON_CRITICAL, encodeTlv(Tag.EXTENSION_ID, hex('41')));
    const cert = encodeTlv(Tag.ATTESTATION_CERT, hex('30'));
    const read = readTlvGroup(group(aaid, ext, cert, cert), spec);
    expect(new TextDecoder().decode(read.aaid.value)).toBe('ABCD#ABCD');
    expect(read.hash).toBeUndefined();
    expect(read.certs).toHaveLength(2);
  });

  it.each([
    { rule: 'missing member', children: [] as Uint8Array[], code: 'tlvMissingElement' },
    { rule: 'duplicated member', children: [aaid, aaid], code: 'tlvDuplicateElement' },
    { rule: 'unexpected member', children: [aaid, encodeTlv(Tag.KEYID, hex('01'))], code: 'tlvUnexpectedElement' },
    { rule: 'wrong length', children: [encodeTlv(Tag.AAID, hex('41'))], code: 'tlvInvalidValueLength' },
    { rule: 'empty leaf', children: [aaid, encodeTlv(Tag.ATTESTATION_CERT)], code: 'tlvInvalidValueLength' },
    {
      rule: 'critical extension',
      children: [aaid, encodeTlv(Tag.EXTENSION, encodeTlv(Tag.EXTENSION_ID, hex('41')))],
      code: 'unknownCriticalExtension',
    },
  ])('rejects a $rule', ({ children, code }) => {
    expect(() => readTlvGroup(group(...children), spec)).toThrow(expect.objectContaining({ code, statusCode: 1498 }));
  });
});
