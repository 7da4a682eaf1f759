import { z } from 'zod';
import { publishedOrPlaceholder, weakKeyBytes, weakRelyingPartyKey } from './secretStrength.js';

/**
 * Run-time configuration, read from the environment exactly as API.md "Run-time configuration"
 * lists it. This is the only module that reads `process.env`; everything else gets a `Config`.
 */
export interface Config {
  port: number;
  publicUrl: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  mongodbUri: string;
  /** `NODE_ENV=production`: https only, explicit metadata, no test authenticators. */
  production: boolean;
  rpApiKeys: string[];
  uaf: {
    appId: string;
    trustedFacets: string[];
    metadataDir: string;
    /** Trust the repository's test authenticators (`4F42#…`, the test attestation root) in production. */
    allowTestAuthenticators: boolean;
  };
  /** Operators' access to `/codec/decode` on the API; no key: the endpoint is off. */
  codec: { apiKeys: string[]; corsOrigins: string[] };
  linkBaseUrl: string;
  fcmEmulatorHost: string | undefined;
  googleApplicationCredentials: string | undefined;
  /** AES-256 key of the Temporal payload codec (32 bytes). */
  payloadCodecKey: Uint8Array;
  /** Root of the serverData HMAC key and the device-token signing key (≥ 32 bytes). */
  serverSecret: Uint8Array;
  /** Module paths of custom dispatchers (dispatch/loadDispatcherPlugins.ts). */
  dispatchPlugins: string[];
  /** Requests answered at once by one API process; beyond, 503 + Retry-After (api/loadShedding.ts). */
  maxInFlight: number;
  /** Workflows a worker keeps in memory between their tasks (the rest are replayed from history on their next task). */
  maxCachedWorkflows: number;
  /** The worker's task slots and V8 context mode (worker/main.ts; chosen by measurement, docs/benchmarks.md). */
  workerTuning: { workflowTaskSlots: number; localActivitySlots: number; reuseV8Context: boolean };
  /** Push-fatigue limits (our extension; README "Configuration"). */
  dispatchLimits: { maxPending: number; maxFallbacks: number; backOffAfterUnanswered: number; backOffSeconds: number };
  /** Dispatch targets one user may have (beyond: 409 `tooManyTargets`). */
  maxTargetsPerUser: number;
  /** `request/authentication` without a relying-party key (then without `username` and `transaction`). */
  allowAppInitiatedAuthentication: boolean;
  /** Requests per window per client address and per relying-party key, over every endpoint (api/rateLimits.ts). */
  rateLimits: { windowSeconds: number; perAddress: number; perRelyingPartyKey: number };
  /** Open status event streams per session and per API process (api/statusEvents.ts). */
  eventStreams: { perSession: number; perProcess: number };
  /** The API's in-memory status cache (api/temporal/statusCache.ts): fresh and hard staleness bounds, entries kept. */
  statusCache: { freshMs: number; maxStaleMs: number; maxEntries: number };
  /** Reverse proxies in front of the API whose X-Forwarded-For is believed (0: the socket's address is the client's). */
  trustProxyHops: number;
  /**
   * Prometheus metrics: the API's `GET /metrics` needs one of `apiKeys` (none: the endpoint is off);
   * the worker serves its own on `workerPort` (unset: off) at `workerHost`.
   */
  metrics: { apiKeys: string[]; workerPort: number | undefined; workerHost: string };
  /** Operators' admin API (`/admin/…`, api/adminRoutes.ts); no key: the endpoints are off. */
  admin: { apiKeys: string[] };
  /** Days an audit event is kept (the cleanup schedule removes older ones). */
  audit: { retentionDays: number };
}

/** A variable that is set but invalid, or required and missing. The message names it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

const defaultMetadataDir = new URL('../metadata/', import.meta.url).pathname;

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));
const hostPort = z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port');
const base64Key = (bytes: number, exact: boolean) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const key = Buffer.from(value, 'base64');
      const sizeOk = exact ? key.length === bytes : key.length >= bytes;
      if (!sizeOk || key.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) {
        ctx.addIssue({ code: 'custom', message: `must be base64 of ${exact ? '' : 'at least '}${bytes} random bytes` });
        return z.NEVER;
      }
      const weakness = publishedOrPlaceholder(value) ?? weakKeyBytes(key);
      if (weakness) {
        ctx.addIssue({ code: 'custom', message: `${weakness} (openssl rand -base64 ${bytes})` });
        return z.NEVER;
      }
      return new Uint8Array(key);
    });
const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
/** Bearer keys: long, random, never a published value; the message never repeats a key. */
const bearerKeys = commaList.pipe(
  z
    .array(z.string())
    .min(1, 'must name at least one key')
    .superRefine((keys, ctx) => {
      const weakness = keys.map(weakRelyingPartyKey).find(Boolean);
      if (weakness) ctx.addIssue({ code: 'custom', message: weakness });
    }),
);
const origins = commaList.pipe(
  z.array(z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'each must be an origin (scheme://host[:port])')),
);
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true');

/** One schema per variable, so a failure names exactly one variable. */
const variables = {
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_URL: url.optional(),
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('outband'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/, 'must be a mongodb:// URI naming a database')
    .default('mongodb://127.0.0.1:27017/outband'),
  NODE_ENV: z.string().optional(),
  RP_API_KEYS: bearerKeys,
  CODEC_API_KEYS: bearerKeys.optional(),
  CODEC_CORS_ORIGINS: origins.optional(),
  UAF_APP_ID: url.optional(),
  UAF_TRUSTED_FACETS: commaList.optional(),
  UAF_METADATA_DIR: z.string().min(1).optional(),
  UAF_ALLOW_TEST_AUTHENTICATORS: flag,
  LINK_BASE_URL: url.optional(),
  FCM_EMULATOR_HOST: hostPort.optional(),
  GOOGLE_APPLICATION_CREDENTIALS: z.string().min(1).optional(),
  PAYLOAD_CODEC_KEY: base64Key(32, true),
  SERVER_SECRET: base64Key(32, false),
  DISPATCH_PLUGINS: commaList.optional(),
  API_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(32),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).max(100_000).default(250),
  WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(1_000).default(40),
  WORKER_LOCAL_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(1_000).default(100),
  WORKER_REUSE_V8_CONTEXT: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((v) => v === 'true'),
  // Read by the patched SDK in the workflow threads (patches/@temporalio+worker+*.patch); validated here.
  WORKER_WORKFLOW_STACK_TRACES: flag,
  DISPATCH_MAX_PENDING: z.coerce.number().int().min(1).max(100).default(3),
  DISPATCH_MAX_FALLBACKS: z.coerce.number().int().min(0).max(20).default(3),
  DISPATCH_MAX_TARGETS: z.coerce.number().int().min(1).max(1000).default(10),
  DISPATCH_BACKOFF_AFTER_UNANSWERED: z.coerce.number().int().min(1).max(100).default(3),
  DISPATCH_BACKOFF_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  ALLOW_APP_INITIATED_AUTHENTICATION: flag,
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000_000).default(60_000),
  RATE_LIMIT_PER_RP_KEY: z.coerce.number().int().min(1).max(10_000_000).default(60_000),
  SSE_MAX_PER_SESSION: z.coerce.number().int().min(1).max(1_000).default(10),
  SSE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  STATUS_CACHE_FRESH_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  STATUS_CACHE_MAX_STALE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  STATUS_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  METRICS_API_KEYS: bearerKeys.optional(),
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ADMIN_API_KEYS: bearerKeys.optional(),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
} as const;

type Variable = keyof typeof variables;
type Parsed = { [K in Variable]: z.output<(typeof variables)[K]> };

/**
 * Parses the environment; throws `ConfigError` naming the first bad or missing variable.
 * An empty value counts as unset (as `VAR=` in a compose file means).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = {} as Record<Variable, unknown>;
  for (const [name, schema] of Object.entries(variables) as [Variable, z.ZodType][]) {
    const raw = env[name]?.trim() || undefined;
    const result = schema.safeParse(raw);
    if (!result.success) {
      throw new ConfigError(name, raw === undefined ? 'is required' : (result.error.issues[0]?.message ?? 'is invalid'));
    }
    parsed[name] = result.data;
  }
  const v = parsed as Parsed;
  const production = v.NODE_ENV === 'production';
  const publicUrl = v.PUBLIC_URL ?? `http://localhost:${v.PORT}`;
  const appId = v.UAF_APP_ID ?? `${publicUrl}/nevisfido/uaf/1.1/facets`;
  const trustedFacets = v.UAF_TRUSTED_FACETS ?? [appId];
  if (production) checkProduction(v, { publicUrl, appId, trustedFacets });
  if (v.CODEC_API_KEYS?.some((key) => v.RP_API_KEYS.includes(key))) {
    throw new ConfigError('CODEC_API_KEYS', 'must not repeat a relying-party key (an operator credential is separate)');
  }
  if (v.STATUS_CACHE_MAX_STALE_MS < v.STATUS_CACHE_FRESH_MS) {
    throw new ConfigError('STATUS_CACHE_MAX_STALE_MS', 'must be at least STATUS_CACHE_FRESH_MS');
  }
  for (const name of ['METRICS_API_KEYS', 'ADMIN_API_KEYS'] as const) {
    if (v[name]?.some((key) => v.RP_API_KEYS.includes(key))) {
      throw new ConfigError(name, 'must not repeat a relying-party key (an operator credential is separate)');
    }
  }
  return {
    port: v.PORT,
    publicUrl,
    temporal: { address: v.TEMPORAL_ADDRESS, namespace: v.TEMPORAL_NAMESPACE, taskQueue: v.TEMPORAL_TASK_QUEUE },
    mongodbUri: v.MONGODB_URI,
    production,
    rpApiKeys: v.RP_API_KEYS,
    uaf: {
      appId,
      trustedFacets,
      metadataDir: v.UAF_METADATA_DIR ?? defaultMetadataDir,
      allowTestAuthenticators: v.UAF_ALLOW_TEST_AUTHENTICATORS,
    },
    codec: { apiKeys: v.CODEC_API_KEYS ?? [], corsOrigins: v.CODEC_CORS_ORIGINS ?? [] },
    linkBaseUrl: v.LINK_BASE_URL ?? `${publicUrl}/open`,
    fcmEmulatorHost: v.FCM_EMULATOR_HOST,
    googleApplicationCredentials: v.GOOGLE_APPLICATION_CREDENTIALS,
    payloadCodecKey: v.PAYLOAD_CODEC_KEY,
    serverSecret: v.SERVER_SECRET,
    dispatchPlugins: v.DISPATCH_PLUGINS ?? [],
    maxInFlight: v.API_MAX_IN_FLIGHT,
    maxCachedWorkflows: v.WORKER_MAX_CACHED_WORKFLOWS,
    workerTuning: {
      workflowTaskSlots: v.WORKER_WORKFLOW_TASK_SLOTS,
      localActivitySlots: v.WORKER_LOCAL_ACTIVITY_SLOTS,
      reuseV8Context: v.WORKER_REUSE_V8_CONTEXT,
    },
    maxTargetsPerUser: v.DISPATCH_MAX_TARGETS,
    dispatchLimits: {
      maxPending: v.DISPATCH_MAX_PENDING,
      maxFallbacks: v.DISPATCH_MAX_FALLBACKS,
      backOffAfterUnanswered: v.DISPATCH_BACKOFF_AFTER_UNANSWERED,
      backOffSeconds: v.DISPATCH_BACKOFF_SECONDS,
    },
    allowAppInitiatedAuthentication: v.ALLOW_APP_INITIATED_AUTHENTICATION,
    rateLimits: { windowSeconds: v.RATE_LIMIT_WINDOW_SECONDS, perAddress: v.RATE_LIMIT_PER_ADDRESS, perRelyingPartyKey: v.RATE_LIMIT_PER_RP_KEY },
    eventStreams: { perSession: v.SSE_MAX_PER_SESSION, perProcess: v.SSE_MAX_CONNECTIONS },
    statusCache: { freshMs: v.STATUS_CACHE_FRESH_MS, maxStaleMs: v.STATUS_CACHE_MAX_STALE_MS, maxEntries: v.STATUS_CACHE_MAX_ENTRIES },
    trustProxyHops: v.TRUST_PROXY,
    metrics: { apiKeys: v.METRICS_API_KEYS ?? [], workerPort: v.WORKER_METRICS_PORT, workerHost: v.WORKER_METRICS_HOST },
    admin: { apiKeys: v.ADMIN_API_KEYS ?? [] },
    audit: { retentionDays: v.AUDIT_RETENTION_DAYS },
  };
}

/**
 * Outside development the phone must reach the server over TLS (the AppID and facets are what it
 * trusts), and the trusted authenticators must be chosen, not the repository's test ones.
 */
function checkProduction(
  v: Parsed,
  derived: { publicUrl: string; appId: string; trustedFacets: string[] },
): void {
  const https = (value: string) => value.startsWith('https://');
  if (!v.PUBLIC_URL) throw new ConfigError('PUBLIC_URL', 'is required when NODE_ENV=production');
  if (!https(derived.publicUrl)) throw new ConfigError('PUBLIC_URL', 'must be https when NODE_ENV=production');
  if (!https(derived.appId)) throw new ConfigError('UAF_APP_ID', 'must be https when NODE_ENV=production');
  // Facets are https origins or app identities (android:apk-key-hash:…, ios:bundle-id:…).
  if (derived.trustedFacets.some((facet) => /^[a-z]+:\/\//i.test(facet) && !https(facet))) {
    throw new ConfigError('UAF_TRUSTED_FACETS', 'web facets must be https when NODE_ENV=production');
  }
  if (!v.UAF_METADATA_DIR) {
    throw new ConfigError('UAF_METADATA_DIR', 'is required when NODE_ENV=production (the shipped metadata/ holds test authenticators only)');
  }
}

/** For `main.ts` files: the config, or one line naming the variable and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`outband: bad configuration: ${error.message}\n`);
    process.exit(1);
  }
}
