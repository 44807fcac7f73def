import { resolve } from 'node:path';
import { z } from 'zod';
import { parseAllowance } from '../http/index.ts';
import { fromText, onOffText, setting } from './setting.ts';
import { deploymentListSchema, fallbackChainsSchema, modelAliasesSchema, upstreamCrossIssues } from './upstream-schema.ts';

// The one description of Tollgate's configuration: each setting's place in tollgate.yaml, its type,
// default and checks, the environment variable that overrides it, and whether it is a secret.
// `Config` is derived from it; docs/configuration.md and tollgate.example.yaml describe it for people.

const positiveInt = (fallback: number) => z.preprocess(fromText, z.number().int().positive()).default(fallback);
const intBetween = (min: number, max: number) => z.preprocess(fromText, z.number().int().min(min).max(max));
const httpUrl = z.string().refine((v) => /^https?:\/\//.test(v), { message: 'must be an http(s) URL' });
const absolutePath = z.string().min(1).transform((p) => resolve(p));
/** An environment variable holding a list or map is JSON; a malformed one is left for the schema to refuse. */
const jsonText = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

const server = z.strictObject({
  host: setting(z.string().min(1).default('127.0.0.1'), { env: 'HOST' }),
  port: setting(intBetween(0, 65535).default(8080), { env: 'PORT' }),
  /** Where users reach Tollgate (invitation and reset links, the SSO callback); unset: the address the request reached. */
  public_url: setting(httpUrl.transform((v) => v.replace(/\/+$/, '')).optional(), { env: 'TOLLGATE_PUBLIC_URL' }),
  /** Fastify `trustProxy`: `true`, or the proxies (addresses, CIDRs) whose X-Forwarded-* are believed. */
  trust_proxy: setting(
    z
      .union([z.boolean(), z.string().min(1), z.array(z.string().min(1)).min(1)])
      .transform((v): string | boolean => (v === 'true' ? true : v === 'false' ? false : Array.isArray(v) ? v.join(',') : v))
      .default(false),
    { env: 'TOLLGATE_TRUST_PROXY' },
  ),
  /** Serve HTTPS with this certificate chain (PEM); needs tls_key_file too. Unset: plain HTTP (e.g. behind a TLS proxy). */
  tls_cert_file: setting(absolutePath.optional(), { env: 'TOLLGATE_TLS_CERT_FILE' }),
  /** The certificate's private key (PEM). */
  tls_key_file: setting(absolutePath.optional(), { env: 'TOLLGATE_TLS_KEY_FILE' }),
  /** Strict-Transport-Security max-age, sent when Tollgate serves HTTPS or public_url is https://; 0: never sent. */
  hsts_max_age_seconds: setting(intBetween(0, 63_072_000).default(31_536_000), { env: 'TOLLGATE_HSTS_MAX_AGE' }),
}).superRefine((s, ctx) => {
  if ((s.tls_cert_file === undefined) !== (s.tls_key_file === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [s.tls_cert_file === undefined ? 'tls_cert_file' : 'tls_key_file'],
      message: 'HTTPS needs both server.tls_cert_file (TOLLGATE_TLS_CERT_FILE) and server.tls_key_file (TOLLGATE_TLS_KEY_FILE)',
    });
  }
});

const http = z
  .strictObject({
    body_limit_bytes: setting(positiveInt(10 * 1024 * 1024), { env: 'TOLLGATE_BODY_LIMIT_BYTES' }),
    /** Largest file upload to /v1/files (streamed to the upstream, never held whole); OpenAI's own limit is 512 MB. */
    upload_limit_bytes: setting(positiveInt(512 * 1024 * 1024), { env: 'TOLLGATE_UPLOAD_LIMIT_BYTES' }),
    /** Largest total size of request headers node accepts before answering 431. */
    max_header_bytes: setting(positiveInt(16 * 1024), { env: 'TOLLGATE_MAX_HEADER_BYTES' }),
    /** A request's headers must arrive within this (slow or silent connections are cut). */
    headers_timeout_ms: setting(positiveInt(10_000), { env: 'TOLLGATE_HEADERS_TIMEOUT_MS' }),
    /** A whole request, headers and body, must arrive within this; answering takes as long as it takes. */
    request_timeout_ms: setting(positiveInt(30_000), { env: 'TOLLGATE_REQUEST_TIMEOUT_MS' }),
    /** An idle keep-alive connection is closed after this. */
    keep_alive_timeout_ms: setting(positiveInt(72_000), { env: 'TOLLGATE_KEEP_ALIVE_TIMEOUT_MS' }),
    /** Open connections one client address may hold; 0: no cap. Unset: 256, or no cap behind a trusted proxy. */
    max_connections_per_address: setting(intBetween(0, 1_000_000).optional(), { env: 'TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS' }),
  })
  .superRefine((h, ctx) => {
    if (h.headers_timeout_ms > h.request_timeout_ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers_timeout_ms'],
        message: 'must not be longer than http.request_timeout_ms (TOLLGATE_REQUEST_TIMEOUT_MS): the headers are part of the request',
      });
    }
  });

const store = z.strictObject({
  /** The SQLite store (`tollgate.db`), its lock and the default key files live here. */
  data_dir: setting(absolutePath.default(() => resolve('data')), { env: 'TOLLGATE_DATA_DIR' }),
  /** `postgres://…` selects PostgreSQL; unset: SQLite in the data directory. */
  database_url: setting(
    z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// URL (leave it unset for SQLite)' }).optional(),
    { env: 'DATABASE_URL', secret: 'url' },
  ),
  /** `redis://…` selects the Redis counters (rate limits, concurrency leases, budget reservations) shared by every instance; unset: in-process. */
  redis_url: setting(
    z.string().refine((v) => /^rediss?:\/\//.test(v), { message: 'must be a redis:// or rediss:// URL (leave it unset for in-process counters)' }).optional(),
    { env: 'REDIS_URL', secret: 'url' },
  ),
  /**
   * Several instances on one PostgreSQL store while any of them has no Redis count limits and
   * budgets per instance: `warn` says so in `/ready` and the logs; `refuse` stops the later instance at start.
   */
  multi_instance_without_redis: setting(z.enum(['warn', 'refuse']).default('warn'), { env: 'TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS' }),
});


/** One rate limit in tollgate.yaml (checked again, with its counter keys, by the traffic module at start). */
const rateLimitRule = z.strictObject({
  scope: z.enum(['key', 'user', 'team', 'org', 'model']),
  scope_id: z.string().min(1).max(200),
  model: z.string().min(1).max(200).optional(),
  requests_per_minute: z.number().int().min(1).optional(),
  tokens_per_minute: z.number().int().min(1).optional(),
  max_concurrent: z.number().int().min(1).optional(),
});

const rateLimits = z.strictObject({
  /** Limits per key, user, team, organization or model (keys and teams also get theirs through the API). */
  rules: setting(z.preprocess(jsonText, z.array(rateLimitRule).max(10_000)).default([]), { env: 'TOLLGATE_RATE_LIMITS' }),
  /** When the counters (Redis) cannot be reached: `closed` refuses limited and budgeted requests (503), `open` admits them unchecked. */
  on_counters_error: setting(z.enum(['closed', 'open']).default('closed'), { env: 'TOLLGATE_ON_COUNTERS_ERROR' }),
  /** A concurrency slot of a process that died comes back after this. */
  lease_ttl_ms: setting(z.preprocess(fromText, z.number().int().min(1_000).max(3_600_000)).default(60_000), { env: 'TOLLGATE_LEASE_TTL_MS' }),
});

const upstream = z
  .strictObject({
    /** Any OpenAI-compatible server; unset (and no key): the built-in simulator. */
    /** A URL secret: a proxy in front of the upstream may take its credential in the URL. */
    base_url: setting(z.string().refine((v) => URL.canParse(v), { message: 'must be a URL' }).optional(), { env: 'OPENAI_BASE_URL', secret: 'url' }),
    /** The upstream key. Unset (and no base URL): the built-in simulator. */
    api_key: setting(z.string().min(1).optional(), { env: 'OPENAI_API_KEY', secret: 'value' }),
    /** Time allowed for the upstream to send response headers. */
    headers_timeout_ms: setting(positiveInt(600_000), { env: 'TOLLGATE_UPSTREAM_TIMEOUT_MS' }),
    /** A stream whose upstream sends nothing for this long is ended with an error. */
    stream_idle_timeout_ms: setting(positiveInt(120_000), { env: 'TOLLGATE_STREAM_IDLE_TIMEOUT_MS' }),
    /** Upstream connections kept open at most (one per request in flight: each open stream holds one). */
    connections: setting(positiveInt(2048), { env: 'TOLLGATE_UPSTREAM_CONNECTIONS' }),
    /** Several upstreams (docs/traffic.md); set: they replace base_url and api_key. Secrets by reference only. */
    deployments: setting(z.preprocess(jsonText, deploymentListSchema).default([]), { env: 'TOLLGATE_DEPLOYMENTS' }),
    /** `alias: model` names clients may use (`fast: gpt-4o-mini`). */
    aliases: setting(z.preprocess(jsonText, modelAliasesSchema).default({}), { env: 'TOLLGATE_MODEL_ALIASES' }),
    /** `model: [next, …]`: what serves a model (or alias) when it keeps failing; a step is a model or `{ deployment: id }`. */
    fallbacks: setting(z.preprocess(jsonText, fallbackChainsSchema).default({}), { env: 'TOLLGATE_FALLBACKS' }),
    /** Failures on one step of a chain before the next step is tried. */
    fallback_after: setting(intBetween(1, 10).default(2), { env: 'TOLLGATE_FALLBACK_AFTER' }),
    retry: z
      .strictObject({
        /** Attempts per request in all (the first included); 1: no retry. */
        max_attempts: setting(intBetween(1, 10).default(3), { env: 'TOLLGATE_RETRY_MAX_ATTEMPTS' }),
        /** First backoff ceiling (full jitter: a random wait up to it); doubles per attempt. */
        base_delay_ms: setting(intBetween(0, 60_000).default(500), { env: 'TOLLGATE_RETRY_BASE_DELAY_MS' }),
        max_delay_ms: setting(intBetween(0, 600_000).default(8_000), { env: 'TOLLGATE_RETRY_MAX_DELAY_MS' }),
        /** A request's whole time until its answer starts, attempts and waits included. */
        deadline_ms: setting(positiveInt(60_000), { env: 'TOLLGATE_RETRY_DEADLINE_MS' }),
        /** One attempt's time until its response headers (or, not streamed, its whole body). */
        attempt_timeout_ms: setting(positiveInt(30_000), { env: 'TOLLGATE_ATTEMPT_TIMEOUT_MS' }),
      })
      .prefault({}),
    circuit_breaker: z
      .strictObject({
        consecutive_failures: setting(intBetween(1, 1_000).default(5), { env: 'TOLLGATE_BREAKER_FAILURES' }),
        /** How long an open circuit refuses before one probe is let through. */
        cool_down_ms: setting(positiveInt(30_000), { env: 'TOLLGATE_BREAKER_COOL_DOWN_MS' }),
      })
      .prefault({}),
  })
  .superRefine((u, ctx) => {
    for (const issue of upstreamCrossIssues(u)) ctx.addIssue({ code: 'custom', ...issue });
  });

const sessions = z.strictObject({
  /** A session ends after this long without a request. */
  idle_minutes: setting(intBetween(1, 525_600).default(720), { env: 'TOLLGATE_SESSION_IDLE_MINUTES' }),
  /** A session ends this long after sign-in, whatever happens. */
  max_hours: setting(intBetween(1, 8_760).default(168), { env: 'TOLLGATE_SESSION_MAX_HOURS' }),
  /** Session cookies get `Secure`: `auto` (when the request came over https), `on` or `off`. */
  secure_cookies: setting(z.enum(['auto', 'on', 'off']).default('auto'), { env: 'TOLLGATE_SECURE_COOKIES' }),
});

const access = z.strictObject({
  /** A `tg-…` key that becomes a personal key of the home organization's owner. */
  admin_key: setting(
    z.string().refine((v) => /^tg-[A-Za-z0-9_-]{16,200}$/.test(v), { message: 'must look like tg-<at least 16 letters, digits, _ or ->' }).optional(),
    { env: 'TOLLGATE_ADMIN_KEY', secret: 'value' },
  ),
  /** Name of the organization created on first start. */
  org_name: setting(z.string().trim().min(1).max(200).default('My organization'), { env: 'TOLLGATE_ORG_NAME' }),
  /** Email of the owner created on first start (the bootstrap admin key is theirs). */
  owner_email: setting(z.email().transform((v) => v.toLowerCase()).default('owner@tollgate.localhost'), { env: 'TOLLGATE_OWNER_EMAIL' }),
  /** How long a key lookup is cached in memory at most. */
  key_cache_ttl_ms: setting(positiveInt(30_000), { env: 'TOLLGATE_KEY_CACHE_TTL_MS' }),
  /** Requests per minute one address may make to the public sign-in and account routes; 0: unlimited. */
  public_rate_limit_per_minute: setting(intBetween(0, 1_000_000).default(120), { env: 'TOLLGATE_PUBLIC_RATE_LIMIT' }),
  sessions: sessions.prefault({}),
});

const budgetAlerts = z.strictObject({
  /** Budget alerts are POSTed here (JSON, HMAC-signed with the secret). A URL secret: receivers often take a token in the query. */
  webhook_url: setting(httpUrl.optional(), { env: 'TOLLGATE_ALERT_WEBHOOK_URL', secret: 'url' }),
  webhook_secret: setting(z.string().min(1).optional(), { env: 'TOLLGATE_ALERT_WEBHOOK_SECRET', secret: 'value' }),
});

const metering = z.strictObject({
  /** Cost and budgets. Off only for benchmarking, and refused while budgets exist. */
  enabled: setting(z.preprocess(onOffText, z.boolean({ error: 'Invalid option: expected one of "on"|"off" (true or false in the file)' })).default(true), { env: 'TOLLGATE_METERING' }),
  /** Raw ledger rows older than this are deleted (the daily roll-up stays); 0 keeps them forever. */
  ledger_retention_days: setting(intBetween(0, 36_500).default(400), { env: 'TOLLGATE_LEDGER_RETENTION_DAYS' }),
  /** How often price overrides and budgets made on other instances are picked up. */
  reload_interval_ms: setting(positiveInt(10_000), { env: 'TOLLGATE_RELOAD_INTERVAL_MS' }),
  /** How often unfinished batches made through /v1/batches are looked at, so a finished one is metered even if nobody retrieves it. */
  batch_poll_interval_ms: setting(positiveInt(60_000), { env: 'TOLLGATE_BATCH_POLL_MS' }),
  budget_alerts: budgetAlerts.prefault({}),
});

const mail = z.strictObject({
  /** `smtp://user:pass@host:port` (or smtps://) for invitation and password-reset mail; unset: links are only returned to admins. */
  smtp_url: setting(z.string().refine((v) => /^smtps?:\/\//.test(v), { message: 'must be an smtp:// or smtps:// URL' }).optional(), {
    env: 'TOLLGATE_SMTP_URL',
    secret: 'url',
  }),
  from: setting(z.string().min(1).default('Tollgate <tollgate@localhost>'), { env: 'TOLLGATE_MAIL_FROM' }),
});

const outbound = z.strictObject({
  /** Private destinations tenant-set URLs (SSO issuers) may reach: `off`, `on`, or CIDR blocks. */
  allow_private: setting(
    z
      .union([z.boolean(), z.string(), z.array(z.string())])
      .transform((v, ctx) => {
        try {
          return parseAllowance(typeof v === 'boolean' ? (v ? 'on' : 'off') : Array.isArray(v) ? v.join(',') : v).privateRanges;
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `must be 'on', 'off' or a comma-separated CIDR list: ${(err as Error).message}` });
          return z.NEVER;
        }
      })
      .default('off'),
    { env: 'TOLLGATE_OUTBOUND_ALLOW_PRIVATE' },
  ),
});

const compliance = z.strictObject({
  /** Envelope encryption's master key, base64 of 32 bytes; wins over the file. */
  master_key: setting(
    z
      .string()
      .refine((v) => /^[A-Za-z0-9+/_-]{43}=?$/.test(v.trim()), { message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' })
      .transform((v) => v.trim())
      .optional(),
    { env: 'TOLLGATE_MASTER_KEY', secret: 'value' },
  ),
  /** A file holding the master key (mode 0600); unset: `<data_dir>/master.key`. */
  master_key_file: setting(absolutePath.optional(), { env: 'TOLLGATE_MASTER_KEY_FILE' }),
  /** The Ed25519 key (PKCS#8 PEM, mode 0600) that signs audit checkpoints; unset: `<data_dir>/audit-signing.key`. */
  audit_signing_key_file: setting(absolutePath.optional(), { env: 'TOLLGATE_AUDIT_SIGNING_KEY_FILE' }),
  /**
   * /v1 requests in the audit log: `none`; `metadata` (who, endpoint, model, status, cost; never
   * content); or `full` (also the request as sent upstream and the answer as the client got it, the
   * first 64 K characters of each, sealed at rest; never for restricted data).
   */
  audit_requests: setting(z.enum(['none', 'metadata', 'full']).default('none'), { env: 'TOLLGATE_AUDIT_REQUESTS' }),
});

const cache = z.strictObject({
  /** The response cache (docs/traffic.md#response-cache): deterministic requests answered again from a stored answer. */
  enabled: setting(z.preprocess(onOffText, z.boolean({ error: 'Invalid option: expected one of "on"|"off" (true or false in the file)' })).default(false), { env: 'TOLLGATE_CACHE' }),
  /** How long a stored answer is served. */
  ttl_seconds: setting(intBetween(1, 30 * 86_400).default(3_600), { env: 'TOLLGATE_CACHE_TTL_SECONDS' }),
  /** `memory`: an LRU in this process; `redis`: shared by every instance (needs `store.redis_url`, REDIS_URL). Unset: redis when a Redis URL is set. */
  adapter: setting(z.enum(['memory', 'redis']).optional(), { env: 'TOLLGATE_CACHE_ADAPTER' }),
  /** Entries the memory adapter holds at most (least recently used out first). */
  max_entries: setting(positiveInt(10_000), { env: 'TOLLGATE_CACHE_MAX_ENTRIES' }),
  /** Bytes the memory adapter holds at most (Redis: its own `maxmemory`). */
  max_bytes: setting(positiveInt(64 * 1024 * 1024), { env: 'TOLLGATE_CACHE_MAX_BYTES' }),
  /** Largest answer stored, in bytes; larger ones are served but not stored. */
  max_entry_bytes: setting(positiveInt(1024 * 1024), { env: 'TOLLGATE_CACHE_MAX_ENTRY_BYTES' }),
});

const guardrails = z.strictObject({
  /** The guardrail policy every organization starts from (src/guard): `off`, or `pii` (redact PII in prompts, cards and secrets in replies). Stored policies per organization, team and key tighten it. */
  default_policy: setting(z.enum(['off', 'pii']).default('off'), { env: 'TOLLGATE_GUARDRAILS_DEFAULT' }),
  /** A JSON file holding the default policy instead (docs/guardrails.md "Policy format"); wins over `default_policy`. */
  default_policy_file: setting(absolutePath.optional(), { env: 'TOLLGATE_GUARDRAILS_POLICY_FILE' }),
});

const logging = z.strictObject({
  level: setting(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), { env: 'TOLLGATE_LOG_LEVEL' }),
  /** Measure each gateway stage's CPU time per request and log a summary at shutdown (the bench reads it). */
  profile_stages: setting(z.preprocess(onOffText, z.boolean({ error: 'Invalid option: expected one of "on"|"off" (true or false in the file)' })).default(false), { env: 'TOLLGATE_PROFILE' }),
});

/** The groups of tollgate.yaml, as an object schema (the loader walks it for the settings and their variables). */
export const ConfigShape = z.strictObject({
  server: server.prefault({}),
  http: http.prefault({}),
  store: store.prefault({}),
  rate_limits: rateLimits.prefault({}),
  upstream: upstream.prefault({}),
  access: access.prefault({}),
  metering: metering.prefault({}),
  mail: mail.prefault({}),
  outbound: outbound.prefault({}),
  compliance: compliance.prefault({}),
  cache: cache.prefault({}),
  guardrails: guardrails.prefault({}),
  logging: logging.prefault({}),
});

/**
 * Tollgate's configuration: tollgate.yaml's shape with every default filled in and the settings
 * that depend on others settled. Use {@link loadConfig} to read it (file, environment, secrets).
 * @example ConfigSchema.parse({ server: { port: 9000 } }).http.max_connections_per_address // 256
 */
export const ConfigSchema = ConfigShape.superRefine((c, ctx) => {
  if (c.cache.adapter === 'redis' && !c.store.redis_url) ctx.addIssue({ code: 'custom', path: ['cache', 'adapter'], message: 'redis needs store.redis_url (REDIS_URL)' });
}).transform((c) => ({
  ...c,
  // One Redis for everything shared (counters, leases, budgets, the cache): store.redis_url.
  cache: { ...c.cache, redis_url: c.store.redis_url },
  /** Deployment id → its resolved secret, filled by the loader (never from the file: no setting writes here). */
  deploymentSecrets: new Map<string, string>(),
  http: {
    ...c.http,
    // Behind a trusted proxy every connection comes from the proxy: no cap unless one is set.
    max_connections_per_address: c.http.max_connections_per_address ?? (c.server.trust_proxy === false ? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS : 0),
  },
}));

/** Validated runtime configuration, as the schema makes it (see docs/configuration.md). */
export type Config = z.output<typeof ConfigSchema>;
/** What tollgate.yaml may hold (after secret references are resolved). */
export type ConfigInput = z.input<typeof ConfigSchema>;
