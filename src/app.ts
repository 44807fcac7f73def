import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { KeyService, keyPlacements } from './access/index.ts';
import { bootstrapAccess, type HomeOrg } from './access/index.ts';
import type { LoginThrottle } from './access/index.ts';
import { Directory } from './access/index.ts';
import { createSmtpMailer } from './access/index.ts';
import { SessionService } from './access/index.ts';
import { loadSigningKey, setUpEncryption, startAuditChainer } from './compliance/index.ts';
import { ConfigError, type Config } from './config/index.ts';
import { createOutboundFetch } from './http/outbound/index.ts';
import { buildServer, newRequestId } from './http/server.ts';
import { buildOpenApiDocument } from './http/openapi/document.ts';
import type { AnyRoute } from './http/index.ts';
import { systemRoutes } from './http/system-routes.ts';
import { webApp } from './http/index.ts';
import { sealPlaintextSecrets } from './access/index.ts';
import { accessDocs, accessRoutes, BackgroundTasks, installAccessControl, pruneExpiredAccessRows, publicRateLimit, type AccessRouteDeps } from './access/index.ts';
import { clientAddress } from './http/index.ts';
import { createGatewayHandler, createPipeline, createStages, gatewayRouteDocs, inProcessChatCaller, StageProfile, type Stage } from './gateway/index.ts';
import { usageRoutes } from './metering/index.ts';
import { budgetRoutes, createBudgetService, type BudgetService } from './metering/budgets/index.ts';
import { UsageLedger } from './metering/index.ts';
import { Meter } from './metering/index.ts';
import { refuseMeteringOffWithBudgets } from './metering/index.ts';
import { loadPriceCatalog, priceRoutes, type PriceCatalog } from './metering/prices/index.ts';
import { placeUnplacedRows, UnpricedModels } from './metering/index.ts';
import { ACCESS_TOPIC, createChangeFeed, DataDirInUseError, lockDataDir, openConfiguredStore, type DataDirLock, type Store } from './state/index.ts';
import { createSimulator, type Simulator } from './upstream/simulator/index.ts';
import { UpstreamClient } from './upstream/index.ts';
import { ConversationStore, erasePersonWorkspace, personWorkspaceData, pruneOrgConversations, sealPlaintextMessages } from './workspace/index.ts';
import { privacyRoutes } from './compliance/privacy/index.ts';
import { retentionRoutes, scheduleRetentionPurge } from './compliance/retention/index.ts';
import { pruneOrgUsage, pseudonymizeUsage, usageOfUser } from './metering/index.ts';
import { PipelineChatRunner, scheduleTemporaryCleanup, WorkspaceKeys, workspaceRoutes, type ChatRunner } from './workspace/index.ts';

/** Moved to state/ (the CLI opens the store without loading the server); re-exported for existing callers. */
export { openConfiguredStore } from './state/index.ts';

/** The version the OpenAPI document states. */
const VERSION = '0.1.0';

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
  /** Every route of the server, as declared (permission, schemas): the OpenAPI document and the isolation test read it. */
  routes: readonly AnyRoute[];
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
  /** Runs workspace chat turns; default the temporary HTTP adapter that calls this Tollgate's own /v1. */
  chatRunner?: ChatRunner;
  /** Changes the gateway's stage list before it is used (tests; see src/gateway/pipeline/stages.ts). */
  stages?: (stages: Stage[]) => Stage[];
}

/**
 * Composition root: config → store → services → HTTP server, listening on config.server.host:port.
 * On SQLite the data directory is held for this server (a second server on it is refused with a
 * ConfigError); a port that cannot be listened on is a ConfigError too, saying what to change.
 * @example const tg = await startTollgate(loadConfig()); console.log(tg.url);
 */
export async function startTollgate(config: Config, options: StartOptions = {}): Promise<Tollgate> {
  const lock = config.store.database_url ? undefined : lockConfiguredDataDir(config);
  try {
    // Before anything is created: a first start that then failed to listen would have made (and
    // never shown) the admin key.
    if (options.listen !== false && config.server.port !== 0) await probeListen(config.server.host, config.server.port).catch((err: unknown) => Promise.reject(explainListenError(err, config)));
    return await startWithDataDir(config, options, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startWithDataDir(config: Config, options: StartOptions, lock: DataDirLock | undefined): Promise<Tollgate> {
  const log = options.logger ?? createLogger(config);
  const store = openConfiguredStore(config.store, (err) => log.error({ err }, 'database connection error'));
  await store.migrate();
  if (!config.metering.enabled) await refuseMeteringOffWithBudgets(store).catch((err: unknown) => store.close().then(() => Promise.reject(err)));

  let simulator: Simulator | undefined;
  let upstreamMode: Tollgate['upstreamMode'] = 'configured';
  let baseUrl = config.upstream.base_url ?? OPENAI_DEFAULT_BASE_URL;
  if (config.upstream.api_key === undefined && config.upstream.base_url === undefined) {
    simulator = createSimulator();
    baseUrl = `${await simulator.listen(0, '127.0.0.1')}/v1`;
    upstreamMode = 'simulator';
  }
  const upstream = new UpstreamClient({
    baseUrl,
    apiKey: config.upstream.api_key,
    headersTimeoutMs: config.upstream.headers_timeout_ms,
    bodyIdleTimeoutMs: config.upstream.stream_idle_timeout_ms,
    connections: config.upstream.connections,
  });

  // Encryption at rest (docs/compliance.md): a master key from config, or one generated in the data folder on SQLite.
  const encryption = setUpEncryption(store, { keyText: config.compliance.master_key, keyFile: config.compliance.master_key_file, dataDir: config.store.data_dir });
  if (encryption.status.status === 'off') log.warn({ encryption: encryption.status }, 'ENCRYPTION AT REST IS OFF: stored content and secrets are readable by anyone who reads the database');
  const directory = new Directory(store, { cipher: encryption.cipher });
  const keys = new KeyService(store, directory, { cacheTtlMs: config.access.key_cache_ttl_ms });
  directory.onAccessChange = () => keys.invalidateAll();
  // Changes made by other processes on the same store (instances, `tollgate keys revoke`): within ~250 ms on SQLite, at commit on PostgreSQL.
  const changes = createChangeFeed(store, { databaseUrl: config.store.database_url, onError: (err) => log.warn({ err }, 'change feed') });
  await changes.start();
  changes.subscribe((topic) => {
    if (topic === ACCESS_TOPIC) keys.invalidateAll();
  });
  const sessions = new SessionService(store, directory, { idleTtlMs: config.access.sessions.idle_minutes * 60_000, absoluteTtlMs: config.access.sessions.max_hours * 3_600_000 });
  const home = await bootstrapAccess(store, directory, keys, { orgName: config.access.org_name, ownerEmail: config.access.owner_email, adminKey: config.access.admin_key, generateAdminKey: true });
  if (home.firstStart) await placeUnplacedRows(store, home.org.id, (ids) => keyPlacements(store, ids));
  const generatedAdminKey = home.generatedAdminKey;
  // Rows written before encryption was on are sealed now (idempotent: sealed rows are skipped).
  const sealedAtStart = (await sealPlaintextSecrets(directory)) + (await sealPlaintextMessages(store, encryption.cipher));
  if (sealedAtStart > 0) log.info({ sealed: sealedAtStart }, 'encryption at rest: plaintext rows sealed');
  const ledger = new UsageLedger(store, log);
  const catalog = await loadPriceCatalog(store, {
    reloadIntervalMs: config.metering.reload_interval_ms,
    onReloadError: (err) => log.error({ err }, 'price overrides could not be reloaded'),
  });
  const budgets = await createBudgetService(store, {
    webhookUrl: config.metering.budget_alerts.webhook_url,
    webhookSecret: config.metering.budget_alerts.webhook_secret,
    log,
    reloadIntervalMs: config.metering.reload_interval_ms,
  });
  const unpriced = new UnpricedModels(store, log);
  const meter = config.metering.enabled ? new Meter({ catalog, budgets, onUnpriced: (model) => unpriced.note(model) }) : undefined;
  const retention = scheduleRetention(ledger, config.metering.ledger_retention_days, log);
  const housekeeping = scheduleAccessHousekeeping(store, sessions, log);
  const mailer = config.mail.smtp_url ? createSmtpMailer({ url: config.mail.smtp_url, from: config.mail.from }) : undefined;
  // Workspace turns run through the gateway's pipeline in-process (the pipeline is built below).
  let gatewayChat: ReturnType<typeof inProcessChatCaller> | undefined;
  const chatRunner = options.chatRunner ?? new PipelineChatRunner({ call: (request) => gatewayChat!(request), keys: new WorkspaceKeys(keys, directory, { log }) });
  const temporaryCleanup = scheduleTemporaryCleanup(store, log);
  // Per-organization retention (docs/compliance.md): hourly, and once at start.
  const retentionPurge = scheduleRetentionPurge(store, { deleteConversations: (orgId, before) => pruneOrgConversations(store, orgId, before), deleteLedgerRows: (orgId, before) => ledger.flush().then(() => pruneOrgUsage(store, orgId, before)) }, log);
  // Links audit records into the hash chain within a second of their commit and signs checkpoints.
  const auditChain = startAuditChainer(store, { signer: loadSigningKey({ file: config.compliance.audit_signing_key_file, dataDir: config.store.data_dir, create: true }), log });
  const outbound = createOutboundFetch({ allowance: { privateRanges: config.outbound.allow_private } });
  const background = new BackgroundTasks(log);
  const access: AccessRouteDeps = {
    store,
    directory,
    keys,
    sessions,
    log,
    mailer,
    publicUrl: config.server.public_url,
    secureCookies: config.access.sessions.secure_cookies,
    outbound,
    background,
    ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
  };

  let openApi: string | undefined;
  // The web app's pages and files: served at /, declared like every route, but not part of the API document.
  const web = webApp();
  const routes: AnyRoute[] = [
    ...systemRoutes({
      readiness: async () => {
        let storeStatus = 'ok';
        try {
          await store.ping();
        } catch {
          storeStatus = 'unreachable';
        }
        return {
          ready: storeStatus === 'ok',
          details: { store: { dialect: store.dialect, status: storeStatus }, upstream: { mode: upstreamMode, status: 'configured' }, encryption: encryption.status },
        };
      },
      openApi: () => (openApi ??= JSON.stringify(buildOpenApiDocument(routes, { version: VERSION, ...accessDocs }))),
    }),
    ...gatewayRouteDocs(),
    ...usageRoutes({ ledger, unpriced, directory }),
    ...accessRoutes(access),
    ...priceRoutes({ catalog, directory }),
    ...budgetRoutes({ budgets, directory, otherAlerts: (limit, reader) => unpriced.alerts(limit, reader) }),
    ...workspaceRoutes({ store, directory, catalog, budgets, runner: chatRunner, log, publicUrl: config.server.public_url, cipher: encryption.cipher }),
    ...retentionRoutes({ store, directory }),
    ...privacyRoutes({
      store,
      directory,
      envelope: encryption.cipher.envelope,
      ports: {
        workspaceData: (userId) => personWorkspaceData(store, new ConversationStore(store, encryption.cipher), userId),
        eraseWorkspace: (userId, pseudonym) => erasePersonWorkspace(store, userId, pseudonym),
        // The ledger writes in batches: rows still in memory are written first, so none is missed.
        usageOf: (userId, limit) => ledger.flush().then(() => usageOfUser(store, userId, limit)),
        pseudonymizeUsage: (userId, pseudonym) => ledger.flush().then(() => pseudonymizeUsage(store, userId, pseudonym)),
      },
    }),
  ];
  const stageProfile = config.logging.profile_stages ? new StageProfile() : undefined;
  const stages = createStages({ log, keys, upstream, ledger, meter, bodyLimitBytes: config.http.body_limit_bytes });
  const runCall = createPipeline(options.stages ? options.stages(stages) : stages, {
    log,
    keepAlive: meter && ((call) => meter.keepAlive(call)),
    sendsCost: meter !== undefined,
    profile: stageProfile && ((call) => stageProfile.add(call)),
  });
  gatewayChat = inProcessChatCaller(runCall, newRequestId);
  const app = await buildServer({
    log,
    bodyLimitBytes: config.http.body_limit_bytes,
    maxHeaderBytes: config.http.max_header_bytes,
    connections: {
      headersTimeoutMs: config.http.headers_timeout_ms,
      requestTimeoutMs: config.http.request_timeout_ms,
      keepAliveTimeoutMs: config.http.keep_alive_timeout_ms,
      maxConnectionsPerAddress: config.http.max_connections_per_address,
    },
    trustProxy: config.server.trust_proxy,
    routes: [...routes, ...web.routes],
    checkResponses: process.env['TOLLGATE_CHECK_RESPONSES'] === 'on',
    install: async (server) => {
      installAccessControl(server, {
        keys,
        sessions,
        directory,
        publicLimit: publicRateLimit(server, config.access.public_rate_limit_per_minute),
      });
      // The file server behind GET /assets/* (a declared route).
      await web.register(server);
    },
    requestLog: { actorOf: (req) => req.access?.actor.userId ?? null, loggedElsewhere: () => false },
    // /v1 bypasses Fastify: the gateway's pipeline serves it (and logs and records every request).
    raw: {
      matches: (url) => url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?'),
      handler: createGatewayHandler({ run: runCall, newRequestId, clientAddress: clientAddress(config.server.trust_proxy) }),
    },
  });
  const tollgate: Tollgate = {
    app,
    routes: [...routes, ...web.routes],
    store,
    keys,
    directory,
    sessions,
    home,
    ledger,
    catalog,
    budgets,
    url: '',
    upstreamMode,
    upstreamUrl: baseUrl,
    simulator,
    generatedAdminKey,
    async close() {
      clearInterval(retention);
      clearInterval(housekeeping);
      clearInterval(temporaryCleanup);
      clearInterval(retentionPurge);
      // Every step runs even if an earlier one fails, so the store is always closed last.
      const steps: (() => Promise<void> | void)[] = [
        () => app.close(),
        // The bench reads this line (TOLLGATE_PROFILE=on): CPU µs per request by gateway stage.
        () => void (stageProfile && log.info({ stageProfile: stageProfile.summary() }, 'gateway stage profile')),
        // Mails a route started after answering (password resets) go out before the mailer and the store close.
        () => background.drain(),
        () => changes.close(),
        () => upstream.destroy(),
        () => chatRunner.close?.(),
        () => keys.close(),
        () => budgets.close(),
        () => catalog.close(),
        () => ledger.close(),
        () => unpriced.close(),
        () => simulator?.close(),
        () => mailer?.close(),
        () => auditChain.stop(),
        () => outbound.close(),
        () => store.close(),
        () => lock?.release(),
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
  try {
    if (options.listen !== false) {
      tollgate.url = await app.listen({ host: config.server.host, port: config.server.port });
    } else {
      await app.ready();
    }
  } catch (err) {
    await tollgate.close().catch(() => {});
    throw explainListenError(err, config);
  }
  return tollgate;
}

/** Holds the SQLite data directory for this server; another server on it is a ConfigError naming its pid. */
function lockConfiguredDataDir(config: Config): DataDirLock {
  try {
    return lockDataDir(config.store.data_dir);
  } catch (err) {
    if (!(err instanceof DataDirInUseError)) throw err;
    const who = err.holder ? `another Tollgate (pid ${err.holder.pid} on ${err.holder.host}, started ${err.holder.since})` : 'another Tollgate';
    throw new ConfigError(
      `${who} is already serving the data directory ${config.store.data_dir}: stop it first, or give this one its own directory with TOLLGATE_DATA_DIR (several servers can share one PostgreSQL store through DATABASE_URL)`,
    );
  }
}

/** Resolves if host:port can be listened on now (the port is let go at once). */
function probeListen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A listen error the operator can fix (busy port, privileged port, foreign address) as one line saying what to set. */
function explainListenError(err: unknown, config: Config): unknown {
  const where = `${config.server.host}:${config.server.port}`;
  switch ((err as { code?: unknown }).code) {
    case 'EADDRINUSE':
      return new ConfigError(`port ${config.server.port} on ${config.server.host} is already in use (another Tollgate running?): stop that process or choose another port with PORT, e.g. PORT=${config.server.port === 65535 ? 8081 : config.server.port + 1}`);
    case 'EACCES':
      return new ConfigError(`not allowed to listen on ${where} (ports below 1024 need privileges): choose another port with PORT, e.g. PORT=8080`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError(`HOST ${config.server.host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`);
    default:
      return err;
  }
}

/**
 * JSON logs on standard output. Writes are asynchronous (lines written while a write is in flight
 * are batched), so logging never blocks a request; pino flushes what is pending on exit.
 */
function createLogger(config: Config): Logger {
  return pino(
    { level: config.logging.level, base: null, redact: { paths: ['req.headers.authorization'], remove: true } },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Deletes ended or expired sessions, used or expired one-time tokens and forgotten sign-in counters older than a day, hourly. */
function scheduleAccessHousekeeping(store: Store, sessions: SessionService, log: Logger): NodeJS.Timeout {
  const run = async () => {
    const before = Date.now() - 86_400_000;
    await sessions.prune(before);
    await pruneExpiredAccessRows(store, before);
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
