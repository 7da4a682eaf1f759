import { describe, expect, it } from 'vitest';
import {
  UafError,
  base64url,
  decodeTlv,
  errorStatusCodes,
  parseAuthenticationResponse,
  parseRegistrationResponse,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '../../../uaf/index.js';
import { now } from './fixtures/keys.js';
import {
  appID,
  authenticationResponse,
  challenge,
  defaultProfile,
  facetID,
  metadataFor,
  profiles,
  registrationResponse,
  storedCredential,
} from './fixtures/testAuthenticator.js';

/** mulberry32: a small seeded PRNG, so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(0x0b7ba2d);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

function mutateBytes(input: Uint8Array): Uint8Array {
  const bytes = Array.from(input);
  const mutations = 1 + int(3);
  for (let m = 0; m < mutations; m++) {
    const at = int(bytes.length);
    switch (int(7)) {
      case 0: bytes[at] = bytes[at]! ^ (1 << int(8)); break; // bit flip
      case 1: bytes[at] = int(256); break; // random byte
      case 2: bytes.length = at; break; // truncate
      case 3: bytes.splice(at, 0, ...Array.from({ length: 1 + int(8) }, () => int(256))); break; // insert
      case 4: bytes.splice(at, 1 + int(16)); break; // delete a run
      case 5: bytes[at] = 0xff; bytes[at + 1] = 0xff; break; // huge length or tag
      default: bytes.splice(at, 0, ...bytes.slice(int(bytes.length), int(bytes.length) + 12)); // duplicate a slice
    }
  }
  return Uint8Array.from(bytes);
}

const strangeValues = [null, 0, -1, 1.5, '', 'x', 'REG', [], {}, [1], { a: 1 }, true, 'A'.repeat(5000), '=='];

function mutateJson(value: any): any {
  const copy = structuredClone(value);
  const mutations = 1 + int(3);
  for (let m = 0; m < mutations; m++) {
    // Walk to a random object or array inside the message.
    let node = copy;
    for (let depth = int(4); depth > 0; depth--) {
      const children = Object.values(node ?? {}).filter((v) => v !== null && typeof v === 'object');
      if (children.length === 0) break;
      node = pick(children);
    }
    if (node === null || typeof node !== 'object') continue;
    const keys = Object.keys(node);
    const key = keys.length > 0 && int(4) > 0 ? pick(keys) : `extra${int(3)}`;
    switch (int(4)) {
      case 0: delete node[key]; break;
      case 1: node[key] = pick(strangeValues); break;
      case 2: if (typeof node[key] === 'string' && node[key].length > 0) { const s: string = node[key]; const at = int(s.length); node[key] = s.slice(0, at) + pick(['A', '-', '_', '+', '/', '=', '.', '']) + s.slice(at + 1); } break;
      default: node[key] = structuredClone(node[pick(keys) ?? key] ?? null);
    }
  }
  return copy;
}

const metadata = new Map(profiles.map((p) => [p.aaid, metadataFor(p)]));
const expectations = { expectedChallenge: challenge, appID, trustedFacetIds: [facetID] };
const credentials = [storedCredential(defaultProfile, 0)];

const verifyRegistration = (body: unknown) => verifyRegistrationResponse({ ...expectations, response: parseRegistrationResponse(body), metadata, now });
const verifyAuthentication = (body: unknown) => verifyAuthenticationResponse({ ...expectations, response: parseAuthenticationResponse(body), credentials });

/** Runs one input: it must be accepted or refused with one of our coded errors, nothing else. */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof UafError)) throw error;
    const { code, statusCode } = error as UafError;
    if (!Object.hasOwn(errorStatusCodes, code) || statusCode !== errorStatusCodes[code]) throw error;
    return code;
  }
}

function tally(codes: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return counts;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('fuzzing (seeded, deterministic)', () => {
  // Valid bases: Basic Full and Basic Surrogate registrations over P-256, secp256k1 and RSA keys, raw, DER and COSE.
  const regProfiles = [0, 1, 2, 6, 19, 24, 29, 46].map((i) => profiles[i]!);
  const regBodies = regProfiles.map((p) => registrationResponse(p));

  it('4,000 mutated registration TLVs are each accepted unchanged or refused with a coded UafError', () => {
    const codes: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const base = pick(regBodies);
      const original = base64url.decode(base[0].assertions[0].assertion);
      const mutated = mutateBytes(original);
      const body = [{ ...base[0], assertions: [{ assertionScheme: 'UAFV1TLV', assertion: base64url.encode(mutated) }] }];
      const code = outcome(() => verifyRegistration(body));
      // A changed assertion must never verify: every byte is signed or part of the attestation chain.
      if (code === 'accepted') expect(equal(mutated, original)).toBe(true);
      codes.push(code);
    }
    const counts = tally(codes);
    expect(counts.size).toBeGreaterThanOrEqual(8);
    expect(counts.get('tlvLengthExceedsInput')).toBeGreaterThan(100);
  });

  it('4,000 mutated authentication TLVs are each accepted unchanged or refused with a coded UafError', () => {
    const base = authenticationResponse(defaultProfile);
    const original = base64url.decode(base[0].assertions[0].assertion);
    const codes: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const mutated = mutateBytes(original);
      const body = [{ ...base[0], assertions: [{ assertionScheme: 'UAFV1TLV', assertion: base64url.encode(mutated) }] }];
      const code = outcome(() => verifyAuthentication(body));
      if (code === 'accepted') expect(equal(mutated, original)).toBe(true);
      codes.push(code);
    }
    const counts = tally(codes);
    expect(counts.size).toBeGreaterThanOrEqual(8);
    expect(counts.get('signatureInvalid')).toBeGreaterThan(50);
  });

  it('3,000 mutated JSON messages are each refused with a coded UafError or accepted as equivalent', () => {
    const bases = [
      { body: regBodies[0], run: verifyRegistration },
      { body: authenticationResponse(defaultProfile), run: verifyAuthentication },
    ];
    const codes: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const { body, run } = pick(bases);
      const mutated = mutateJson(body);
      codes.push(outcome(() => run(int(2) === 0 ? mutated : JSON.stringify(mutated))));
    }
    const counts = tally(codes);
    expect(counts.size).toBeGreaterThanOrEqual(10);
    expect(counts.get('missingField')).toBeGreaterThan(50);
  });

  it('1,000 random byte strings never get past the TLV decoder with anything but a coded error', () => {
    const codes: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const bytes = Uint8Array.from({ length: int(64) }, () => int(256));
      codes.push(outcome(() => decodeTlv(bytes)));
    }
    expect(tally(codes).get('accepted') ?? 0).toBeLessThan(1000);
  });
});

describe('decoder allocation', () => {
  it('refuses a declared length beyond the input before slicing', () => {
    const input = Uint8Array.of(0x01, 0x3e, 0xff, 0xff, 0x00);
    expect(() => decodeTlv(input)).toThrow(expect.objectContaining({ code: 'tlvLengthExceedsInput', seen: 0xffff, expected: '<= 1' }));
  });

  it('returns views into the input, never copies', () => {
    const input = base64url.decode(authenticationResponse()[0].assertions[0].assertion);
    const [top] = decodeTlv(input);
    const views = [top!, ...top!.children!, ...top!.children![0]!.children!];
    expect(views.every((element) => element.value.buffer === input.buffer && element.raw.buffer === input.buffer)).toBe(true);
  });
});
