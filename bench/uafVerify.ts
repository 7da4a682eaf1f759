// Micro-benchmark: for each UAF signature algorithm, verifications per second of a complete
// `uaf` authentication-response verification (parse the JSON array and TLV, header,
// FinalChallengeParams, FCHash, transaction rule, key import, signature, counter, policy)
// against the bare signature check alone (same key and bytes, key imported once), and the
// ratio between them: the cost of the whole check set relative to the signature. A third
// column times the signature with the stored SPKI imported each time, as a stateless
// verifier must, to show how much of the gap is key import.
//
//   npx tsx bench/uafVerify.ts [--rounds 7] [--ms 300]
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { testAuthenticatorProfiles } from '../device/testAuthenticators.js';
import { parseAuthenticationAssertion } from '../uaf/assertion/parseAuthenticationAssertion.js';
import { importSpki } from '../uaf/crypto/importPublicKey.js';
import { findSignatureAlgorithm } from '../uaf/crypto/signatureAlgorithms.js';
import * as base64url from '../uaf/encoding/base64url.js';
import { AlgSign, AttestationType } from '../uaf/registry.js';
import { authenticationRound, createPhone, registerPhone } from '../test/unit/device/relyingParty.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, ms: { type: 'string', default: '300' } } });
const rounds = Number(values.rounds);
const roundMs = Number(values.ms);

/** Operations per second of `run` over one round of about `roundMs`. */
function opsPerSecond(run: () => void): number {
  let operations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < roundMs) {
    for (let batch = 0; batch < 16; batch++) run();
    operations += 16;
    elapsed = performance.now() - start;
  }
  return (operations * 1000) / elapsed;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const algorithmNames = Object.fromEntries(Object.entries(AlgSign).map(([name, value]) => [value, name]));

/** One Basic Full authenticator per algorithm. */
const profiles = testAuthenticatorProfiles.filter(
  ({ metadataStatement }) => metadataStatement.attestationTypes[0] === AttestationType.BASIC_FULL,
);

interface Row {
  alg: string;
  name: string;
  full: number;
  bare: number;
  withImport: number;
  ratio: number;
}

const rows: Row[] = [];
for (const { metadataStatement } of profiles) {
  const phone = createPhone(metadataStatement.aaid);
  const credential = await registerPhone(phone, 'bench-user');
  const round = authenticationRound(credential);
  const uafResponse = await phone.client.authenticate(round.uafRequest);
  round.verify(uafResponse); // it must verify before it is timed

  // The bare check: the same signature over the same SignedData, key imported once.
  const [message] = JSON.parse(uafResponse) as [{ assertions: [{ assertion: string }] }];
  const assertion = parseAuthenticationAssertion(base64url.decode(message.assertions[0].assertion));
  const algorithm = findSignatureAlgorithm(credential.authenticationAlgorithm)!;
  const publicKey = importSpki(base64url.decode(credential.publicKey), algorithm.keyKind);
  const bare = (): void => {
    if (!algorithm.verify({ publicKey, data: assertion.signedData, signature: assertion.signature })) throw new Error('bad signature');
  };
  const spki = base64url.decode(credential.publicKey);
  const withImport = (): void => {
    const key = importSpki(spki, algorithm.keyKind);
    if (!algorithm.verify({ publicKey: key, data: assertion.signedData, signature: assertion.signature })) throw new Error('bad signature');
  };
  const full = (): void => void round.verify(uafResponse);

  opsPerSecond(full); // warm-up
  opsPerSecond(bare);
  const samples = { full: [] as number[], bare: [] as number[], withImport: [] as number[] };
  for (let index = 0; index < rounds; index++) {
    samples.full.push(opsPerSecond(full));
    samples.bare.push(opsPerSecond(bare));
    samples.withImport.push(opsPerSecond(withImport));
  }
  const [fullOps, bareOps] = [median(samples.full), median(samples.bare)];
  rows.push({
    alg: `0x${credential.authenticationAlgorithm.toString(16).padStart(4, '0')}`,
    name: algorithmNames[credential.authenticationAlgorithm] ?? '?',
    full: fullOps,
    bare: bareOps,
    withImport: median(samples.withImport),
    ratio: bareOps / fullOps,
  });
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US');
console.log(`uaf authentication-response verification, median of ${rounds} rounds of ~${roundMs} ms`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}\n`);
const header = ['alg', 'name', 'full verify/s', 'bare signature/s', 'cost ratio', 'signature + key import/s'];
const lines = rows.map((row) => [
  row.alg,
  row.name,
  format(row.full),
  format(row.bare),
  `${row.ratio.toFixed(2)}×`,
  format(row.withImport),
]);
const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
const render = (cells: readonly string[]): string =>
  cells.map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
console.log(render(header));
console.log(widths.map((width) => '-'.repeat(width)).join('  '));
for (const line of lines) console.log(render(line));
