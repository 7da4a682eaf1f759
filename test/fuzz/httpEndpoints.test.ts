/**
 * Property-based fuzzing of every HTTP endpoint (issue 9) against real API and worker processes:
 * whatever the method, path parameters, query, headers and body, the API answers (never a dropped
 * connection or a hang), never with a 5xx, and every 4xx is the JSON `{error, message}` of the
 * contract. Bodies are near-valid (a valid shape with members replaced by arbitrary JSON) as often
 * as arbitrary, so the fuzz gets past the first parser into the handlers and the workflows.
 * (`transfer-encoding` and `expect` are left out: fetch refuses to send them.)
 * The number of runs is bounded (FUZZ_RUNS_PER_ENDPOINT, default 30) so the file stays near a minute.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessStack, type ProcessStack } from '../security/processStack.js';

const runsPerEndpoint = Number(process.env.FUZZ_RUNS_PER_ENDPOINT ?? 30);
const codecKey = `codec-${randomBytes(24).toString('hex')}`;
const metricsKey = `metrics-${randomBytes(24).toString('hex')}`;
const adminKey = `admin-${randomBytes(24).toString('hex')}`;

let stack: ProcessStack<'api'>;
beforeAll(async () => {
  stack = await startProcessStack('fuzz', {
    api: { CODEC_API_KEYS: codecKey, METRICS_API_KEYS: metricsKey, ADMIN_API_KEYS: adminKey, ALLOW_APP_INITIATED_AUTHENTICATION: 'true' },
  });
}, 150_000);
afterAll(() => stack?.close());

// ---- Arbitraries ---------------------------------------------------------------------------

/** Header-safe text (fetch refuses control characters and non-Latin-1 on the client side). */
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);
const b64url = (maxBytes: number) => fc.uint8Array({ maxLength: maxBytes }).map((bytes) => Buffer.from(bytes).toString('base64url'));

/** A path segment: ordinary, encoded arbitrary text, or percent-encoding that does not decode. */
const pathSegment = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%E0%A4%A', '%', '%zz', '%C0%AF', '%FF%FE', '%00', '..', '%2F..%2F', '.', 'x'.repeat(300), '%25'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);

const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  fc.dictionary(fc.stringMatching(/^[a-z]{1,10}$/), fc.string({ maxLength: 30 }), { maxKeys: 3 }).map((entries) => `?${new URLSearchParams(entries)}`),
  fc.constantFrom('?username=a&username=b', '?username=%', '?username[$ne]=x', '?username=', '?%E0%A4%A=1', '?username=' + 'u'.repeat(300)),
);

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/fido+uaf;charset=UTF-8',
      'application/jose',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/plain',
      'text/event-stream',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/fido.trusted-apps+json',
    ),
    headerText,
  ),
  { nil: undefined },
);
const accept = fc.option(fc.oneof(fc.constantFrom('*/*', 'application/json', 'application/fido+uaf', 'text/event-stream', 'text/html', 'image/png', 'application/jose;q=0'), headerText), { nil: undefined });
const contentEncoding = fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), { nil: undefined, freq: 8 });

/** Which credential a request carries: none, the real RP or operator key, a device-token-shaped guess, or junk. */
type Credential = 'none' | 'relyingParty' | 'codec' | 'metrics' | 'admin' | 'wrong' | 'junk';
const credential = fc.constantFrom<Credential>('none', 'relyingParty', 'relyingParty', 'codec', 'metrics', 'admin', 'wrong', 'junk');
const authorizationOf = (which: Credential, junk: string): string | undefined =>
  ({
    none: undefined,
    relyingParty: `Bearer ${stack.rpKey}`,
    codec: `Bearer ${codecKey}`,
    metrics: `Bearer ${metricsKey}`,
    admin: `Bearer ${adminKey}`,
    wrong: `Bearer eyJhbGciOiJFUzI1NiJ9.${Buffer.from('{"sub":"alice"}').toString('base64url')}.c2ln`,
    junk: junk || 'Basic',
  })[which];

/** Any JSON value, shallow enough to stay under the 64 KiB body limit most of the time. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
/** A member that is usually a plausible value and sometimes anything at all. */
const member = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
const optionalMember = <T>(valid: fc.Arbitrary<T>) => fc.option(member(valid), { nil: undefined, freq: 3 });
/** The string form nevisFIDO clients use for `context`, or the object form. */
const jsonOrString = <T>(value: fc.Arbitrary<T>) => fc.oneof(value, value.map((v) => JSON.stringify(v)));

const username = fc.oneof(fc.constantFrom('alice', 'fuzz-user', ' ', ''), fc.string({ maxLength: 300 }));
const transaction = fc.array(
  fc.record(
    {
      contentType: member(fc.constantFrom('text/plain', 'image/png', 'text/html')),
      content: member(fc.oneof(b64url(300), fc.string({ maxLength: 50 }))),
      tcDisplayPNGCharacteristics: optionalMember(fc.record({ width: fc.integer(), height: fc.integer() })),
    },
    { requiredKeys: ['contentType', 'content'] },
  ),
  { maxLength: 4 },
);
const registrationContext = jsonOrString(fc.record({ username: member(username), policy: optionalMember(fc.string({ maxLength: 200 })) }, { requiredKeys: [] }));
const authenticationContext = jsonOrString(fc.record({ username: optionalMember(username), transaction: optionalMember(transaction) }, { requiredKeys: [] }));
const deregistrationContext = jsonOrString(
  fc.record(
    {
      mode: member(fc.constantFrom('username', 'aaid', 'keyId', 'all')),
      username: member(username),
      aaid: optionalMember(fc.array(fc.constantFrom('4F42#0001', 'FFFF#FC01', 'nope'), { maxLength: 3 })),
      keyId: optionalMember(fc.array(b64url(64), { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
);
const uafRequest = (op: string, context: fc.Arbitrary<unknown>) =>
  fc.record({ op: member(fc.constant(op)), context: member(context), previousRequest: optionalMember(fc.string()) }, { requiredKeys: [] });

/** A UAF response array whose header carries a serverData that is malformed, forged or absent. */
const uafResponse = fc
  .record({
    header: member(
      fc.record({
        upv: member(fc.constant({ major: 1, minor: 1 })),
        op: member(fc.constantFrom('Reg', 'Auth', 'Dereg')),
        appID: member(fc.webUrl()),
        serverData: member(fc.oneof(b64url(120), fc.string({ maxLength: 40 }))),
      }),
    ),
    fcParams: member(b64url(200)),
    assertions: member(fc.array(fc.record({ assertionScheme: member(fc.constant('UAFV1TLV')), assertion: member(b64url(300)) }), { maxLength: 2 })),
  })
  .map((message) => JSON.stringify([message]));
const sendUafResponse = fc.record(
  { uafResponse: member(fc.oneof(uafResponse, fc.string({ maxLength: 100 }))), context: optionalMember(jsonOrString(fc.record({ asmStatusCode: member(fc.integer()) }))) },
  { requiredKeys: [] },
);

const dispatchRequest = (op: string, context: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      dispatcher: optionalMember(fc.constantFrom('link', 'png-qr-code', 'link-png-qr-code', 'firebase-cloud-messaging', 'carrier-pigeon')),
      dispatchTargetId: optionalMember(fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }))),
      dispatchInformation: optionalMember(jsonOrString(fc.record({ notification: member(fc.record({ title: member(fc.string()), body: member(fc.string()) })) }, { requiredKeys: [] }))),
      getUafRequest: member(uafRequest(op, context)),
      channelLinking: optionalMember(fc.record({ mode: member(fc.constantFrom('visual-string', 'number-match', 'other')) })),
      fallbackFor: optionalMember(fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }))),
      sessionPolicy: optionalMember(fc.constantFrom('latest-only', 'any', 'all')),
      timeoutSeconds: optionalMember(fc.integer({ min: -10, max: 2_000 })),
    },
    { requiredKeys: [] },
  );
const redeemRequest = fc.record(
  { token: member(fc.oneof(b64url(32), fc.string({ maxLength: 200 }))), deny: optionalMember(fc.boolean()), channelLinkingAnswer: optionalMember(fc.string({ maxLength: 20 })) },
  { requiredKeys: [] },
);
const createTarget = fc.record(
  {
    name: member(fc.string({ maxLength: 300 })),
    dispatcher: optionalMember(fc.constantFrom('link', 'png-qr-code', 'firebase-cloud-messaging', 'carrier-pigeon', '')),
    target: optionalMember(fc.string({ maxLength: 100 })),
    deviceId: optionalMember(fc.string({ maxLength: 100 })),
    encryptionKey: optionalMember(jsonOrString(fc.record({ kty: member(fc.constantFrom('EC', 'RSA', 'oct', 'OKP')), crv: member(fc.constantFrom('P-256', 'P-384')), x: member(b64url(32)), y: member(b64url(32)) }))),
    signatureKey: optionalMember(jsonOrString(fc.record({ kty: member(fc.constant('EC')), crv: member(fc.constant('P-256')), x: member(b64url(32)), y: member(b64url(32)), d: optionalMember(b64url(32)) }))),
    username: optionalMember(username),
  },
  { requiredKeys: [] },
);
/** A compact JWS-shaped string (three base64url parts), or not. */
const compactJws = fc.oneof(
  fc.tuple(b64url(60), b64url(200), b64url(64)).map((parts) => parts.join('.')),
  fc.tuple(anyJson, anyJson).map(([header, payload]) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`),
  fc.string({ maxLength: 200 }),
);
const codecPayloads = fc.record(
  { payloads: member(fc.array(fc.record({ metadata: member(fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(b64url(40), fc.string({ maxLength: 20 })), { maxKeys: 3 })), data: member(fc.oneof(b64url(200), fc.string({ maxLength: 40 }))) }, { requiredKeys: [] }), { maxLength: 4 })) },
  { requiredKeys: [] },
);

/** How a body goes on the wire: the near-valid shape, any JSON, broken text, or none. */
const bodyText = (shape: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: shape.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: shape.map((value) => JSON.stringify(value).slice(0, -1)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', ' '.repeat(10)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

// ---- Endpoints (docs/api.md) ---------------------------------------------------------------

interface Endpoint {
  name: string;
  method: string;
  path: fc.Arbitrary<string>;
  body?: fc.Arbitrary<unknown>;
}
const fixed = (path: string) => fc.constant(path);
const withSegment = (prefix: string, suffix = '') => pathSegment.map((segment) => `${prefix}${segment}${suffix}`);
const operations = [
  ['registration', 'Reg', registrationContext],
  ['authentication', 'Auth', authenticationContext],
  ['deregistration', 'Dereg', deregistrationContext],
] as const;

const endpoints: Endpoint[] = [
  { name: 'facets', method: 'GET', path: fixed('/nevisfido/uaf/1.1/facets') },
  ...operations.map(([operation, op, context]) => ({ name: `request/${operation}`, method: 'POST', path: fixed(`/nevisfido/uaf/1.1/request/${operation}`), body: uafRequest(op, context) })),
  { name: 'registration response', method: 'POST', path: fixed('/nevisfido/uaf/1.1/registration'), body: sendUafResponse },
  { name: 'authentication response', method: 'POST', path: fixed('/nevisfido/uaf/1.1/authentication'), body: sendUafResponse },
  { name: 'create target', method: 'POST', path: fixed('/nevisfido/token/dispatch/targets'), body: createTarget },
  { name: 'list targets', method: 'GET', path: fixed('/nevisfido/token/dispatch/targets') },
  { name: 'get target', method: 'GET', path: withSegment('/nevisfido/token/dispatch/targets/') },
  { name: 'patch target', method: 'PATCH', path: withSegment('/nevisfido/token/dispatch/targets/'), body: compactJws },
  { name: 'delete target', method: 'DELETE', path: withSegment('/nevisfido/token/dispatch/targets/') },
  ...operations.map(([operation, op, context]) => ({ name: `dispatch ${operation}`, method: 'POST', path: fixed(`/nevisfido/token/dispatch/${operation}`), body: dispatchRequest(op, context) })),
  ...operations.map(([operation]) => ({ name: `redeem ${operation}`, method: 'POST', path: fixed(`/nevisfido/token/redeem/${operation}`), body: redeemRequest })),
  { name: 'device credentials', method: 'GET', path: withSegment('/nevisfido/devices/credentials/') },
  { name: 'delete device', method: 'DELETE', path: withSegment('/nevisfido/devices/credentials/') },
  { name: 'device operations', method: 'GET', path: fixed('/nevisfido/devices/operations') },
  { name: 'status', method: 'POST', path: fixed('/nevisfido/status'), body: fc.record({ sessionId: member(fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }))) }, { requiredKeys: [] }) },
  { name: 'status events', method: 'GET', path: withSegment('/nevisfido/status/', '/events') },
  { name: 'healthz', method: 'GET', path: fixed('/healthz') },
  { name: 'healthz/workflow', method: 'GET', path: fixed('/healthz/workflow') },
  { name: 'codec decode', method: 'POST', path: fixed('/codec/decode'), body: codecPayloads },
  { name: 'metrics', method: 'GET', path: fixed('/metrics') },
  { name: 'admin user', method: 'GET', path: withSegment('/admin/users/') },
  { name: 'admin erase user', method: 'DELETE', path: withSegment('/admin/users/') },
  { name: 'admin revoke keys', method: 'DELETE', path: withSegment('/admin/users/', '/credentials') },
  { name: 'admin revoke one key', method: 'DELETE', path: fc.tuple(pathSegment, pathSegment, pathSegment).map(([user, aaid, keyId]) => `/admin/users/${user}/credentials/${aaid}/${keyId}`) },
  { name: 'admin operations', method: 'GET', path: withSegment('/admin/users/', '/operations') },
  { name: 'admin audit', method: 'GET', path: withSegment('/admin/users/', '/audit') },
  { name: 'any other path', method: 'GET', path: fc.array(pathSegment, { minLength: 1, maxLength: 4 }).map((segments) => `/nevisfido/${segments.join('/')}`) },
];

/** Mostly the endpoint's own method, sometimes another (405) or one without a handler anywhere. */
const methodFor = (endpoint: Endpoint) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(endpoint.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') });

const requestFor = (endpoint: Endpoint) =>
  fc.record({
    method: methodFor(endpoint),
    path: endpoint.path,
    query,
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant(endpoint.name === 'patch target' ? 'application/jose' : 'application/json') }, { weight: 2, arbitrary: contentType }),
    accept,
    contentEncoding,
    credential,
    junk: headerText,
    extraHeader: fc.option(
      fc.oneof(
        fc.tuple(fc.constantFrom('x-forwarded-for', 'origin', 'x-http-method-override', 'if-none-match', 'range', 'cookie', 'content-language', 'device-signature'), headerText),
        // The Device Service's header, JWS-shaped or not (a header value is printable ASCII here).
        fc.tuple(fc.constant('device-signature'), compactJws.map((value) => value.replace(/[^\x20-\x7e]/g, ''))),
      ),
      { nil: undefined },
    ),
    body: endpoint.body ? bodyText(endpoint.body) : fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
  });

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  contentType: string | undefined;
  accept: string | undefined;
  contentEncoding: string | undefined;
  credential: Credential;
  junk: string;
  extraHeader: [string, string] | undefined;
  body: string | undefined;
}

/** The fetch Request, or undefined when the client library itself refuses to build it. */
function buildRequest(input: FuzzRequest): Request | undefined {
  const headers = new Headers();
  try {
    if (input.contentType !== undefined) headers.set('content-type', input.contentType);
    if (input.accept !== undefined) headers.set('accept', input.accept);
    if (input.contentEncoding !== undefined) headers.set('content-encoding', input.contentEncoding);
    const authorization = authorizationOf(input.credential, input.junk);
    if (authorization !== undefined) headers.set('authorization', authorization);
    if (input.extraHeader) headers.set(...input.extraHeader);
    const hasBody = input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD';
    return new Request(`${stack.urls.api}${input.path}${input.query}`, {
      method: input.method,
      headers,
      ...(hasBody && { body: input.body }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return undefined;
  }
}

/** What is wrong with the answer to `request`, or undefined when it keeps the contract. */
async function contractBreach(request: Request): Promise<string | undefined> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(request);
    text = await response.text();
  } catch (error) {
    return `no answer: ${error instanceof Error ? `${error.name}: ${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error)}`;
  }
  if (response.status >= 500) return `HTTP ${response.status}: ${text.slice(0, 300)}`;
  if (response.status < 400 || request.method === 'HEAD') return undefined;
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return `HTTP ${response.status} as ${response.headers.get('content-type')}: ${text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
  if (typeof error !== 'string' || typeof message !== 'string') return `HTTP ${response.status} without {error, message}: ${text.slice(0, 200)}`;
  if ((response.status === 429 || response.status === 503) && !response.headers.get('retry-after')) return `HTTP ${response.status} without Retry-After`;
  return undefined;
}

describe('every endpoint answers any request with a 2xx or a JSON 4xx', () => {
  it.each(endpoints.map((endpoint) => [endpoint.name, endpoint] as const))('%s', async (_name, endpoint) => {
    await fc.assert(
      fc.asyncProperty(requestFor(endpoint), async (input) => {
        const request = buildRequest(input as FuzzRequest);
        fc.pre(request !== undefined);
        const breach = await contractBreach(request!);
        expect(breach, `${input.method} ${input.path}${input.query}`).toBeUndefined();
      }),
      { numRuns: runsPerEndpoint },
    );
    expect(stack.allRunning()).toBe(true);
  }, 120_000);
});
