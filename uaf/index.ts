// Public surface of the FIDO UAF 1.1 server library. `lib`-style internals are not exported.
// Modules under tlv/, encoding/, registry, protocolTypes, statusCodes and errors use no Node
// built-in, so a browser bundle (the simulated phone) can import them directly.

export * from './errors.js';
export * from './statusCodes.js';
export * from './registry.js';
export type * from './protocolTypes.js';

export * as base64url from './encoding/base64url.js';
export * as base64 from './encoding/base64.js';
export * as utf8 from './encoding/utf8.js';

export { Tag, compositeTagBit, isCompositeTag, tagName } from './tlv/tags.js';
export type { TagName } from './tlv/tags.js';
export { encodeTlv, encodeUint16, encodeUint32 } from './tlv/encodeTlv.js';
export { decodeTlv, decodeSingleTlv, readUint16, readUint32 } from './tlv/decodeTlv.js';
export type { TlvElement } from './tlv/decodeTlv.js';
export { readTlvGroup } from './tlv/readTlvGroup.js';
export type { TlvGroup, TlvGroupSpec, TlvMemberSpec } from './tlv/readTlvGroup.js';
