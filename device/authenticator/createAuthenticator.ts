import type { JWK } from 'jose';
import * as base64 from '../../uaf/encoding/base64.js';
import * as base64url from '../../uaf/encoding/base64url.js';
import * as utf8 from '../../uaf/encoding/utf8.js';
import type { Transaction } from '../../uaf/protocolTypes.js';
import { AttestationType, AuthenticationMode, type AlgKey } from '../../uaf/registry.js';
import { deviceSignatureAlgorithm, encodePublicKey } from '../crypto/signatureAlgorithms.js';
import { generateSigningKey, importSigningKey, type SignatureEncoding, type SigningKey } from '../crypto/signingKey.js';
import { AsmStatusCode, DeviceError } from '../errors.js';
import type { AuthenticatorProfile } from '../testAuthenticatorProfile.js';
import { buildAuthenticationAssertion, buildSignedData } from './buildAuthenticationAssertion.js';
import { buildKeyRegistrationData, buildRegistrationAssertion } from './buildRegistrationAssertion.js';

/** Ways a test makes the authenticator misbehave; each yields a rejection the server must give. */
export interface Misbehaviour {
  /** Repeat the key's last sign counter instead of increasing it (a cloned authenticator). */
  readonly staleCounter?: boolean;
  /** Write this AAID into the KRD / SignedData instead of the profile's. */
  readonly wrongAaid?: string;
  /** DER-encode the signatures of an algorithm whose encoding is raw. */
  readonly derSignature?: boolean;
  /** The user refuses: user verification is cancelled, nothing is signed. */
  readonly deny?: boolean;
}

export interface AuthenticatorOptions {
  readonly profile: AuthenticatorProfile;
  /** Random bytes for KeyIDs and nonces. Default: `crypto.getRandomValues`. */
  readonly random?: (length: number) => Uint8Array;
  /** UAuth private keys handed out in order, one per registration; fresh keys once they run out. */
  readonly keys?: readonly JWK[];
  /** Sign counter the registration of a key writes; each later signature adds 1. Default 1. */
  readonly signCounterStart?: number;
  /** Registration counter of the first registration; each later one adds 1. Default 1. */
  readonly regCounterStart?: number;
  /** `none`: the authenticator has no counters and always writes 0 (UAF Protocol §3.5.7.5). */
  readonly counters?: 'increasing' | 'none';
  readonly now?: () => Date;
  readonly misbehaviour?: Misbehaviour;
}

/** A key the authenticator holds for one username at one AppID. */
export interface RegistrationRecord {
  readonly appID: string;
  readonly username: string;
  /** base64url, as it appears in policies and DeregistrationRequests. */
  readonly keyID: string;
  readonly signCounter: number;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
}

/** What the phone's screen showed for a transaction (text/plain only). */
export interface DisplayedTransaction {
  readonly aaid: string;
  readonly contentType: string;
  readonly text: string;
}

export interface RegisterInput {
  readonly appID: string;
  readonly username: string;
  readonly finalChallengeHash: Uint8Array;
}

export interface SignInput {
  readonly appID: string;
  readonly finalChallengeHash: Uint8Array;
  /** Only these keys qualify (base64url); all of the AppID's keys when absent or empty. */
  readonly keyIDs?: readonly string[];
  /** Picks among several users' keys at the AppID; the first key otherwise. */
  readonly username?: string;
  readonly transaction?: Transaction;
}

export interface SignResult {
  readonly assertion: Uint8Array;
  readonly keyID: string;
  readonly username: string;
}

export interface Authenticator {
  readonly aaid: string;
  readonly profile: AuthenticatorProfile;
  /** Changeable between operations, so a test can register honestly and then misbehave. */
  misbehaviour: Misbehaviour;
  /** Every transaction shown, oldest first. */
  readonly displayed: readonly DisplayedTransaction[];
  /** Makes a key for `username` at `appID` (replacing theirs) and returns TAG_UAFV1_REG_ASSERTION bytes. */
  register(input: RegisterInput): Promise<Uint8Array>;
  /** Signs with a key of the AppID and returns TAG_UAFV1_AUTH_ASSERTION bytes. */
  sign(input: SignInput): Promise<SignResult>;
  /** Drops the AppID's keys (all of them, or the one with `keyID`) and says how many went. */
  deregister(appID: string, keyID?: string): number;
  registrations(appID?: string): readonly RegistrationRecord[];
  /** True when a key with this KeyID exists at the AppID. Never throws. */
  hasKey(appID: string, keyID: string): boolean;
}

interface StoredKey {
  record: RegistrationRecord;
  readonly key: SigningKey;
}

const keyIdLength = 32;
const nonceLength = 32;

function defaultRandom(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/**
 * Builds one simulated authenticator (the authenticator and its ASM in one): the keys it
 * generates, its counters, clock and randomness all come from `options`, so a test can
 * reproduce a phone exactly.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { profile } = options;
  const statement = profile.metadataStatement;
  const algorithm = deviceSignatureAlgorithm(statement.authenticationAlgorithm);
  const publicKeyAlgAndEncoding = statement.publicKeyAlgAndEncoding as AlgKey;
  const random = options.random ?? defaultRandom;
  const now = options.now ?? (() => new Date());
  const countersSupported = (options.counters ?? 'increasing') === 'increasing';
  const pendingKeys = [...(options.keys ?? [])];
  const stored: StoredKey[] = [];
  const displayed: DisplayedTransaction[] = [];
  let regCounter = (options.regCounterStart ?? 1) - 1;
  let attestationKey: Promise<SigningKey> | undefined;

  const signatureEncoding = (): SignatureEncoding => (authenticator.misbehaviour.derSignature ? 'der' : algorithm.encoding);
  const writtenAaid = (): string => authenticator.misbehaviour.wrongAaid ?? statement.aaid;

  function refuseIfDenied(): void {
    if (authenticator.misbehaviour.deny) {
      throw new DeviceError('userCancelled', 'The user cancelled user verification.', {
        asmStatusCode: AsmStatusCode.userCancelled,
      });
    }
  }

  async function nextUAuthKey(): Promise<SigningKey> {
    const jwk = pendingKeys.shift();
    return jwk === undefined ? generateSigningKey(algorithm) : importSigningKey(algorithm, jwk);
  }

  async function attest(krd: Uint8Array, uauthKey: SigningKey): Promise<Uint8Array> {
    if (statement.attestationTypes[0] === AttestationType.BASIC_SURROGATE) {
      return buildRegistrationAssertion(krd, {
        type: AttestationType.BASIC_SURROGATE,
        signature: await uauthKey.sign(krd, signatureEncoding()),
      });
    }
    const material = profile.attestation;
    if (material === undefined) throw new TypeError(`Profile ${statement.aaid} has Basic Full attestation but no attestation key`);
    attestationKey ??= importSigningKey(algorithm, material.testOnlyPrivateKeyJwk);
    return buildRegistrationAssertion(krd, {
      type: AttestationType.BASIC_FULL,
      signature: await (await attestationKey).sign(krd, signatureEncoding()),
      certificates: material.certificateChain.map((certificate) => base64.decode(certificate)),
    });
  }

  /** Shows a transaction and returns its content hash (SHA-256 of the decoded content). */
  async function display(transaction: Transaction): Promise<Uint8Array> {
    if (statement.tcDisplay === 0 || transaction.contentType !== statement.tcDisplayContentType) {
      throw new DeviceError('invalidTransactionContent', `Authenticator ${statement.aaid} cannot show ${transaction.contentType}.`, {
        asmStatusCode: AsmStatusCode.cannotRenderTransactionContent,
      });
    }
    let content: Uint8Array;
    let text: string;
    try {
      content = base64url.decode(transaction.content, 'transaction.content');
      text = utf8.decode(content);
    } catch (cause) {
      throw new DeviceError('invalidTransactionContent', 'The transaction content is not base64url of UTF-8 text.', {
        asmStatusCode: AsmStatusCode.cannotRenderTransactionContent,
        cause,
      });
    }
    displayed.push({ aaid: statement.aaid, contentType: transaction.contentType, text });
    return sha256(content);
  }

  function findKey(input: SignInput): StoredKey {
    const wanted = input.keyIDs !== undefined && input.keyIDs.length > 0 ? new Set(input.keyIDs) : undefined;
    const found = stored.find(
      ({ record }) =>
        record.appID === input.appID &&
        (wanted === undefined || wanted.has(record.keyID)) &&
        (input.username === undefined || record.username === input.username),
    );
    if (found === undefined) {
      throw new DeviceError('noSuitableAuthenticator', `Authenticator ${statement.aaid} holds no matching key for this AppID.`, {
        asmStatusCode: AsmStatusCode.keyDisappearedPermanently,
      });
    }
    return found;
  }

  const authenticator: Authenticator = {
    aaid: statement.aaid,
    profile,
    misbehaviour: options.misbehaviour ?? {},
    displayed,

    async register({ appID, username, finalChallengeHash }) {
      refuseIfDenied();
      const key = await nextUAuthKey();
      const keyID = random(keyIdLength);
      const signCounter = countersSupported ? (options.signCounterStart ?? 1) : 0;
      regCounter += 1;
      const krd = buildKeyRegistrationData({
        aaid: writtenAaid(),
        authenticatorVersion: statement.authenticatorVersion,
        signatureAlgAndEncoding: statement.authenticationAlgorithm,
        publicKeyAlgAndEncoding: publicKeyAlgAndEncoding,
        finalChallengeHash,
        keyID,
        signCounter,
        regCounter: countersSupported ? regCounter : 0,
        publicKey: encodePublicKey(key, publicKeyAlgAndEncoding),
      });
      const assertion = await attest(krd, key);
      removeWhere(({ record }) => record.appID === appID && record.username === username);
      const at = now();
      stored.push({ key, record: { appID, username, keyID: base64url.encode(keyID), signCounter, createdAt: at, lastUsedAt: at } });
      return assertion;
    },

    async sign(input) {
      const entry = findKey(input);
      const transactionContentHash = input.transaction === undefined ? new Uint8Array(0) : await display(input.transaction);
      refuseIfDenied();
      const previous = entry.record.signCounter;
      const signCounter = !countersSupported ? 0 : authenticator.misbehaviour.staleCounter ? previous : previous + 1;
      const signedData = buildSignedData({
        aaid: writtenAaid(),
        authenticatorVersion: statement.authenticatorVersion,
        authenticationMode:
          input.transaction === undefined ? AuthenticationMode.USER_VERIFIED : AuthenticationMode.USER_VERIFIED_TRANSACTION_SHOWN,
        signatureAlgAndEncoding: statement.authenticationAlgorithm,
        authenticatorNonce: random(nonceLength),
        finalChallengeHash: input.finalChallengeHash,
        transactionContentHash,
        keyID: base64url.decode(entry.record.keyID),
        signCounter,
      });
      const signature = await entry.key.sign(signedData, signatureEncoding());
      entry.record = { ...entry.record, signCounter, lastUsedAt: now() };
      return { assertion: buildAuthenticationAssertion(signedData, signature), keyID: entry.record.keyID, username: entry.record.username };
    },

    deregister(appID, keyID) {
      return removeWhere(({ record }) => record.appID === appID && (keyID === undefined || keyID === '' || record.keyID === keyID));
    },

    registrations(appID) {
      return stored.filter(({ record }) => appID === undefined || record.appID === appID).map(({ record }) => record);
    },

    hasKey(appID, keyID) {
      return stored.some(({ record }) => record.appID === appID && record.keyID === keyID);
    },
  };

  function removeWhere(predicate: (entry: StoredKey) => boolean): number {
    let removed = 0;
    for (let index = stored.length - 1; index >= 0; index--) {
      const entry = stored[index];
      if (entry !== undefined && predicate(entry)) {
        stored.splice(index, 1);
        removed++;
      }
    }
    return removed;
  }

  return authenticator;
}
