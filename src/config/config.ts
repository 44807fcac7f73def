import { resolve } from 'node:path';
import { z } from 'zod';
import { parseAllowance, type OutboundAllowance } from '../http/outbound/address-policy.ts';

/** Validated runtime configuration. Built once at start-up from the environment (see docs/configuration.md). */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; otherwise SQLite at `<dataDir>/tollgate.db`. */
  databaseUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Upstream key. Absent means: run against the built-in simulator. */
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  adminKey: string | undefined;
  bodyLimitBytes: number;
  /** Largest total size of request headers node accepts before answering 431. */
  maxHeaderBytes: number;
  /** A request's headers must arrive within this (slow or silent connections are cut). */
  headersTimeoutMs: number;
  /** A whole request, headers and body, must arrive within this; answering takes as long as it takes. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections one client address may hold; 0: no cap. */
  maxConnectionsPerAddress: number;
  /** A stream that sends nothing for this long is ended with an error. */
  streamIdleTimeoutMs: number;
  /** Time allowed for the upstream to send response headers. */
  upstreamTimeoutMs: number;
  keyCacheTtlMs: number;
  /** Cost and budgets; `off` exists for benchmarking the gateway without them. */
  metering: boolean;
  /** Budget alerts are POSTed here (JSON, HMAC-signed with the secret). */
  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string | undefined;
  /** Raw ledger rows older than this are deleted (the daily roll-up stays); 0 keeps them forever. */
  ledgerRetentionDays: number;
  /** How often price overrides and budgets made on other instances are picked up. */
  reloadIntervalMs: number;
  /** Name of the organization created on first start. */
  orgName: string;
  /** Email of the owner user created on first start (the bootstrap admin key is theirs). */
  ownerEmail: string;
  /** Fastify `trustProxy`: addresses of proxies whose X-Forwarded-For is believed (IP allowlists, cookies' Secure). */
  trustProxy: string | boolean;
  /** Where users reach Tollgate (links in invitations and password resets, the SSO callback); default http://HOST:PORT. */
  publicUrl: string | undefined;
  /** `smtp://user:pass@host:port` (or smtps://) for invitation and password-reset mail; unset: links are only returned to admins. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Requests per minute one address may make to the public sign-in and account routes; 0: unlimited. */
  publicRateLimitPerMinute: number;
  /** A session ends after this long without a request. */
  sessionIdleMs: number;
  /** A session ends this long after sign-in, whatever happens. */
  sessionMaxMs: number;
  /** Session cookies get `Secure`: `auto` (when the request came over https), `on` or `off`. */
  secureCookies: 'auto' | 'on' | 'off';
  /** Envelope encryption's master key, base64 of 32 bytes (TOLLGATE_MASTER_KEY); wins over the file. */
  masterKey: string | undefined;
  /** A file holding the master key (mode 0600); default `<dataDir>/master.key`. */
  masterKeyFile: string | undefined;
  /** The Ed25519 key (PKCS#8 PEM, mode 0600) that signs audit checkpoints; default `<dataDir>/audit-signing.key`. */
  auditSigningKeyFile: string | undefined;
  /** Private destinations tenant-set URLs (SSO issuers) may reach: none by default (TOLLGATE_OUTBOUND_ALLOW_PRIVATE). */
  outboundAllowance: OutboundAllowance;
}

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(fallback));

const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

const EnvSchema = z.object({
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  TOLLGATE_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// URL (leave it unset for SQLite)',
  }),
  TOLLGATE_LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.refine((v) => v === undefined || URL.canParse(v), { message: 'must be a URL' }),
  TOLLGATE_ADMIN_KEY: optionalString.refine((v) => v === undefined || /^tg-[A-Za-z0-9_-]{16,200}$/.test(v), {
    message: 'must look like tg-<at least 16 letters, digits, _ or ->',
  }),
  TOLLGATE_BODY_LIMIT_BYTES: positiveInt(10 * 1024 * 1024),
  TOLLGATE_MAX_HEADER_BYTES: positiveInt(16 * 1024),
  TOLLGATE_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  TOLLGATE_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  TOLLGATE_KEEP_ALIVE_TIMEOUT_MS: positiveInt(72_000),
  TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).optional()),
  TOLLGATE_STREAM_IDLE_TIMEOUT_MS: positiveInt(120_000),
  TOLLGATE_UPSTREAM_TIMEOUT_MS: positiveInt(600_000),
  TOLLGATE_KEY_CACHE_TTL_MS: positiveInt(30_000),
  TOLLGATE_METERING: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  TOLLGATE_ALERT_WEBHOOK_URL: optionalString.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: 'must be an http(s) URL' }),
  TOLLGATE_ALERT_WEBHOOK_SECRET: optionalString,
  TOLLGATE_LEDGER_RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(36_500).default(400)),
  TOLLGATE_RELOAD_INTERVAL_MS: positiveInt(10_000),
  TOLLGATE_ORG_NAME: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(200).default('My organization')),
  TOLLGATE_OWNER_EMAIL: z.preprocess(emptyToUndefined, z.email().default('owner@tollgate.localhost')),
  TOLLGATE_TRUST_PROXY: optionalString,
  TOLLGATE_PUBLIC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\//.test(v), { message: 'must be an http(s) URL' }),
  TOLLGATE_SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\//.test(v), { message: 'must be an smtp:// or smtps:// URL' }),
  TOLLGATE_MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Tollgate <tollgate@localhost>')),
  TOLLGATE_PUBLIC_RATE_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(120)),
  TOLLGATE_SESSION_IDLE_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(525_600).default(720)),
  TOLLGATE_SESSION_MAX_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(8_760).default(168)),
  TOLLGATE_SECURE_COOKIES: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  TOLLGATE_MASTER_KEY: optionalString.refine((v) => v === undefined || (/^[A-Za-z0-9+/_-]{43}=?$/.test(v.trim())), { message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' }),
  TOLLGATE_MASTER_KEY_FILE: optionalString,
  TOLLGATE_AUDIT_SIGNING_KEY_FILE: optionalString,
  TOLLGATE_OUTBOUND_ALLOW_PRIVATE: optionalString.transform((v, ctx) => {
    try {
      return parseAllowance(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `must be 'on', 'off' or a comma-separated CIDR list: ${(err as Error).message}` });
      return z.NEVER;
    }
  }),
});

/** Thrown when the environment does not describe a valid configuration; lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the configuration from environment variables.
 * @example const config = loadConfig({ ...process.env, PORT: '9000' });
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TOLLGATE_HEADERS_TIMEOUT_MS > e.TOLLGATE_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('invalid configuration:\n  TOLLGATE_HEADERS_TIMEOUT_MS: must not be longer than TOLLGATE_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  const trustProxy = e.TOLLGATE_TRUST_PROXY === undefined ? false : e.TOLLGATE_TRUST_PROXY === 'true' ? true : e.TOLLGATE_TRUST_PROXY;
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: resolve(e.TOLLGATE_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    logLevel: e.TOLLGATE_LOG_LEVEL,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    adminKey: e.TOLLGATE_ADMIN_KEY,
    bodyLimitBytes: e.TOLLGATE_BODY_LIMIT_BYTES,
    maxHeaderBytes: e.TOLLGATE_MAX_HEADER_BYTES,
    headersTimeoutMs: e.TOLLGATE_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.TOLLGATE_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.TOLLGATE_KEEP_ALIVE_TIMEOUT_MS,
    // Behind a trusted proxy every connection comes from the proxy: no cap unless one is set.
    maxConnectionsPerAddress: e.TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS ?? (trustProxy === false ? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS : 0),
    streamIdleTimeoutMs: e.TOLLGATE_STREAM_IDLE_TIMEOUT_MS,
    upstreamTimeoutMs: e.TOLLGATE_UPSTREAM_TIMEOUT_MS,
    keyCacheTtlMs: e.TOLLGATE_KEY_CACHE_TTL_MS,
    metering: e.TOLLGATE_METERING === 'on',
    alertWebhookUrl: e.TOLLGATE_ALERT_WEBHOOK_URL,
    alertWebhookSecret: e.TOLLGATE_ALERT_WEBHOOK_SECRET,
    ledgerRetentionDays: e.TOLLGATE_LEDGER_RETENTION_DAYS,
    reloadIntervalMs: e.TOLLGATE_RELOAD_INTERVAL_MS,
    orgName: e.TOLLGATE_ORG_NAME,
    ownerEmail: e.TOLLGATE_OWNER_EMAIL.toLowerCase(),
    trustProxy,
    publicUrl: e.TOLLGATE_PUBLIC_URL?.replace(/\/+$/, ''),
    smtpUrl: e.TOLLGATE_SMTP_URL,
    mailFrom: e.TOLLGATE_MAIL_FROM,
    secureCookies: e.TOLLGATE_SECURE_COOKIES,
    publicRateLimitPerMinute: e.TOLLGATE_PUBLIC_RATE_LIMIT,
    sessionIdleMs: e.TOLLGATE_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.TOLLGATE_SESSION_MAX_HOURS * 3_600_000,
    masterKey: e.TOLLGATE_MASTER_KEY?.trim(),
    masterKeyFile: e.TOLLGATE_MASTER_KEY_FILE === undefined ? undefined : resolve(e.TOLLGATE_MASTER_KEY_FILE),
    auditSigningKeyFile: e.TOLLGATE_AUDIT_SIGNING_KEY_FILE === undefined ? undefined : resolve(e.TOLLGATE_AUDIT_SIGNING_KEY_FILE),
    outboundAllowance: e.TOLLGATE_OUTBOUND_ALLOW_PRIVATE,
  };
}
