import { AssertionRejected, TlvMalformed } from '../errors.js';
import type { TlvElement } from './decodeTlv.js';
import { Tag, tagName } from './tags.js';

/** How one member of a composite TLV may appear. Leaf values default to at least 1 byte. */
export interface TlvMemberSpec {
  tag: number;
  optional?: boolean;
  repeated?: boolean;
  /** Exact value length in bytes. */
  length?: number;
  minLength?: number;
  maxLength?: number;
}

export type TlvGroupSpec = Record<string, TlvMemberSpec>;

export type TlvGroup<S extends TlvGroupSpec> = {
  [K in keyof S]: S[K]['repeated'] extends true
    ? TlvElement[]
    : S[K]['optional'] extends true
      ? TlvElement | undefined
      : TlvElement;
};

/**
 * Picks the members of a composite TLV by tag, refusing missing, duplicated, unexpected and
 * wrongly sized members (the conformance tool's Reg-Resp-6 / Auth-Resp-6 negatives).
 * Non-critical extensions (0x3E12) are skipped; a critical one (0x3E11) is refused
 * because this server understands none (UAF Authenticator Commands §5.2).
 */
export function readTlvGroup<S extends TlvGroupSpec>(parent: TlvElement, spec: S): TlvGroup<S> {
  const parentName = tagName(parent.tag);
  const children = parent.children ?? [];
  const byTag = new Map<number, [string, TlvMemberSpec]>();
  for (const [name, member] of Object.entries(spec)) byTag.set(member.tag, [name, member]);
  const found: Record<string, TlvElement | TlvElement[] | undefined> = {};
  for (const [name, member] of Object.entries(spec)) if (member.repeated) found[name] = [];

  for (const child of children) {
    const entry = byTag.get(child.tag);
    if (entry === undefined) {
      if (child.tag === Tag.EXTENSION_NON_CRITICAL) continue;
      if (child.tag === Tag.EXTENSION) {
        throw new AssertionRejected('unknownCriticalExtension', 'The assertion carries a critical extension.', {
          field: `${parentName}.EXTENSION`,
        });
      }
      throw new TlvMalformed('tlvUnexpectedElement', 'A TLV member is not allowed here.', {
        field: parentName,
        seen: tagName(child.tag),
        expected: Object.values(spec).map((m) => tagName(m.tag)),
      });
    }
    const [name, member] = entry;
    checkLength(child, member, parentName);
    const slot = found[name];
    if (Array.isArray(slot)) {
      slot.push(child);
    } else if (slot !== undefined) {
      throw new TlvMalformed('tlvDuplicateElement', 'A TLV member appears twice.', {
        field: `${parentName}.${tagName(child.tag)}`,
        seen: 2,
        expected: 1,
      });
    } else {
      found[name] = child;
    }
  }

  for (const [name, member] of Object.entries(spec)) {
    const slot = found[name];
    const missing = member.repeated ? (slot as TlvElement[]).length === 0 : slot === undefined;
    if (missing && !member.optional) {
      throw new TlvMalformed('tlvMissingElement', 'A required TLV member is missing.', {
        field: `${parentName}.${tagName(member.tag)}`,
      });
    }
  }
  return found as TlvGroup<S>;
}

function checkLength(child: TlvElement, member: TlvMemberSpec, parentName: string): void {
  const length = child.value.length;
  const min = member.length ?? member.minLength ?? 1;
  const max = member.length ?? member.maxLength ?? Number.POSITIVE_INFINITY;
  if (length < min || length > max) {
    throw new TlvMalformed('tlvInvalidValueLength', 'A TLV member has the wrong length.', {
      field: `${parentName}.${tagName(child.tag)}`,
      seen: length,
      expected: member.length ?? { min, max },
    });
  }
}
