import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { KeyService } from './access/key-service.ts';
import { bootstrapAccess, type HomeOrg } from './access/bootstrap.ts';
import type { LoginThrottle } from './access/credentials/login-throttle.ts';
import { Directory } from './access/directory/directory.ts';
import { createSmtpMailer } from './access/mail/smtp-mailer.ts';
import { SessionService } from './access/sessions/session-service.ts';
import type { Config } from './config/index.ts';
import { makeRecorder } from './gateway/record.ts';
import { buildServer } from './http/server.ts';
import { createBudgetService, type BudgetService } from './metering/budgets/index.ts';
import { UsageLedger } from './metering/ledger.ts';
import { Meter } from './metering/meter.ts';
import { loadPriceCatalog, type PriceCatalog } from './metering/prices/index.ts';
import { UnpricedModels } from './metering/unpriced-models.ts';
import { openStore, sqlitePathIn, type Store } from './state/index.ts';
import { createSimulator, type Simulator } from './upstream/simulator/index.ts';
import { UpstreamClient } from './upstream/upstream-client.ts';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** A running Tollgate: what tests and the CLI hold on to. */
export interface Tollgate {
  app: FastifyInstance;
  store: Store;
  keys: KeyService;
  directory: Directory;
  sessions: SessionService;
  /** The home organization, its first team and its owner (created on first start). */
  home: HomeOrg;
  ledger: UsageLedger;
  catalog: PriceCatalog;
  budgets: BudgetService;
  /** http://host:port once listening. */
  url: string;
  upstreamMode: 'simulator' | 'configured';
  upstreamUrl: string;
  /** The built-in simulator, when no upstream is configured. */
  simulator: Simulator | undefined;
  /** A bootstrap admin key generated on this start (shown once), if any. */
  generatedAdminKey: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Listen (default) or only build the server (`app.inject` in tests). */
  listen?: boolean;
  /** Sign-in throttle (tests inject one with a fake clock); default an in-process one. */
  loginThrottle?: LoginThrottle;
}

/**
 * Composition root: config → store → services → HTTP server, listening on config.host:config.port.
 * @example const tg = await startTollgate(loadConfig()); console.log(tg.url);
 */
export async function startTollgate(config: Config, options: StartOptions = {}): Promise<Tollgate> {
  const log = options.logger ?? createLogger(config);
  const store = openConfiguredStore(config, (err) => log.error({ err }, 'database connection error'));
  await store.migrate();

  let simulator: Simulator | undefined;
  let upstreamMode: Tollgate['upstreamMode'] = 'configured';
  let baseUrl = config.openaiBaseUrl ?? OPENAI_DEFAULT_BASE_URL;
  if (config.openaiApiKey === undefined && config.openaiBaseUrl === undefined) {
    simulator = createSimulator();
    baseUrl = `${await simulator.listen(0, '127.0.0.1')}/v1`;
    upstreamMode = 'simulator';
  }
  const upstream = new UpstreamClient({
    baseUrl,
    apiKey: config.openaiApiKey,
    headersTimeoutMs: config.upstreamTimeoutMs,
    bodyIdleTimeoutMs: config.streamIdleTimeoutMs,
  });

  const directory = new Directory(store);
  const keys = new KeyService(store, directory, { cacheTtlMs: config.keyCacheTtlMs });
  directory.onAccessChange = () => keys.invalidateAll();
  const sessions = new SessionService(store, directory, { idleTtlMs: config.sessionIdleMs, absoluteTtlMs: config.sessionMaxMs });
  const home = await bootstrapAccess(store, directory, keys, { orgName: config.orgName, ownerEmail: config.ownerEmail, adminKey: config.adminKey, generateAdminKey: true });
  const generatedAdminKey = home.generatedAdminKey;
  const ledger = new UsageLedger(store, log);
  const catalog = await loadPriceCatalog(store, {
    reloadIntervalMs: config.reloadIntervalMs,
    onReloadError: (err) => log.error({ err }, 'price overrides could not be reloaded'),
  });
  const budgets = await createBudgetService(store, {
    webhookUrl: config.alertWebhookUrl,
    webhookSecret: config.alertWebhookSecret,
    log,
    reloadIntervalMs: config.reloadIntervalMs,
  });
  const unpriced = new UnpricedModels(store, log);
  const meter = config.metering ? new Meter({ catalog, budgets, onUnpriced: (model) => unpriced.note(model) }) : undefined;
  const record = makeRecorder(ledger, log, meter);
  const retention = scheduleRetention(ledger, config.ledgerRetentionDays, log);
  const housekeeping = scheduleAccessHousekeeping(store, sessions, log);
  const mailer = config.smtpUrl ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom }) : undefined;

  const app = await buildServer({
    log,
    store,
    keys,
    sessions,
    directory,
    ledger,
    upstream,
    record,
    meter,
    catalog,
    budgets,
    unpriced,
    upstreamMode,
    bodyLimitBytes: config.bodyLimitBytes,
    maxHeaderBytes: config.maxHeaderBytes,
    connections: {
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    },
    trustProxy: config.trustProxy,
    mailer,
    loginThrottle: options.loginThrottle,
    publicUrl: config.publicUrl,
    secureCookies: config.secureCookies,
    publicRateLimitPerMinute: config.publicRateLimitPerMinute,
  });
  let url = '';
  if (options.listen !== false) {
    url = await app.listen({ host: config.host, port: config.port });
  } else {
    await app.ready();
  }

  return {
    app,
    store,
    keys,
    directory,
    sessions,
    home,
    ledger,
    catalog,
    budgets,
    url,
    upstreamMode,
    upstreamUrl: baseUrl,
    simulator,
    generatedAdminKey,
    async close() {
      clearInterval(retention);
      clearInterval(housekeeping);
      // Every step runs even if an earlier one fails, so the store is always closed last.
      const steps: (() => Promise<void> | void)[] = [
        () => app.close(),
        () => upstream.destroy(),
        () => keys.close(),
        () => budgets.close(),
        () => catalog.close(),
        () => ledger.close(),
        () => unpriced.close(),
        () => simulator?.close(),
        () => mailer?.close(),
        () => store.close(),
      ];
      const failures: unknown[] = [];
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          failures.push(err);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'Tollgate did not close cleanly');
    },
  };
}

/**
 * JSON logs on standard output. Writes are asynchronous (lines written while a write is in flight
 * are batched), so logging never blocks a request; pino flushes what is pending on exit.
 */
function createLogger(config: Config): Logger {
  return pino(
    { level: config.logLevel, base: null, redact: { paths: ['req.headers.authorization'], remove: true } },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Deletes ended or expired sessions, used or expired one-time tokens and forgotten sign-in counters older than a day, hourly. */
function scheduleAccessHousekeeping(store: Store, sessions: SessionService, log: Logger): NodeJS.Timeout {
  const run = async () => {
    const before = Date.now() - 86_400_000;
    await sessions.prune(before);
    await store.db.deleteFrom('login_throttle').where('forget_at', '<', before).execute();
    await store.db
      .deleteFrom('one_time_tokens')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('used_at', '<', before)]))
      .execute();
  };
  const timer = setInterval(() => run().catch((err: unknown) => log.error({ err }, 'access housekeeping failed')), 3_600_000);
  timer.unref();
  return timer;
}

/** Deletes raw ledger rows past the retention period, at start and then hourly. */
function scheduleRetention(ledger: UsageLedger, days: number, log: Logger): NodeJS.Timeout | undefined {
  if (days === 0) return undefined;
  const prune = () =>
    ledger.prune(Date.now() - days * 86_400_000).then(
      (n) => n > 0 && log.info({ deleted: n, days }, 'ledger retention: raw rows deleted'),
      (err: unknown) => log.error({ err }, 'ledger retention failed'),
    );
  void prune();
  const timer = setInterval(prune, 3_600_000);
  timer.unref();
  return timer;
}

/** The store the configuration names: PostgreSQL for a `DATABASE_URL`, else SQLite in the data directory. */
export function openConfiguredStore(config: Config, onConnectionError?: (err: Error) => void): Store {
  return config.databaseUrl
    ? openStore({ databaseUrl: config.databaseUrl, ...(onConnectionError ? { onConnectionError } : {}) })
    : openStore({ sqlitePath: sqlitePathIn(config.dataDir) });
}
