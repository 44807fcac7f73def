import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { KeyService, keyPlacements } from './access/index.ts';
import { bootstrapAccess, type HomeOrg } from './access/index.ts';
import type { LoginThrottle } from './access/index.ts';
import { Directory } from './access/index.ts';
import { createSmtpMailer } from './access/index.ts';
import { SessionService } from './access/index.ts';
import { loadSigningKey, RequestAuditWriter, setUpEncryption, startAuditChainer } from './compliance/index.ts';
import { ConfigError, type Config } from './config/index.ts';
import { createOutboundFetch } from './http/outbound/index.ts';
import { buildServer, newRequestId } from './http/server.ts';
import { readTransport } from './http/transport.ts';
import { buildOpenApiDocument } from './http/openapi/document.ts';
import type { AnyRoute } from './http/index.ts';
import { systemRoutes } from './http/system-routes.ts';
import { webApp } from './http/index.ts';
import { sealPlaintextSecrets } from './access/index.ts';
import { accessDocs, accessRoutes, BackgroundTasks, installAccessControl, pruneExpiredAccessRows, publicRateLimit, type AccessRouteDeps } from './access/index.ts';
import { clientAddress } from './http/index.ts';
import { createFilesBatchesGateway, filesBatchesRouteDocs, isFilesOrBatchesPath } from './gateway/index.ts';
import { createGatewayHandler, createPipeline, createStages, gatewayRouteDocs, inProcessChatCaller, StageProfile, type Stage } from './gateway/index.ts';
import { defaultGuardPolicy, GUARD_TOPIC, GuardPolicies, GuardPolicyStore, guardPolicyRoutes } from './guard/index.ts';
import { usageRoutes } from './metering/index.ts';
import { complianceReportRoutes, reportSources } from './reports/index.ts';
import { budgetRoutes, createBudgetService, type BudgetService } from './metering/budgets/index.ts';
import { UsageLedger } from './metering/index.ts';
import { Meter } from './metering/index.ts';
import { refuseMeteringOffWithBudgets } from './metering/index.ts';
import { loadPriceCatalog, priceRoutes, type PriceCatalog } from './metering/prices/index.ts';
import { placeUnplacedRows, UnpricedModels } from './metering/index.ts';
import { ACCESS_TOPIC, BUDGETS_TOPIC, DataDirInUseError, lockDataDir, openConfiguredStore, startChangeFeed, type DataDirLock, type Store } from './state/index.ts';
import { createSimulator, type Simulator } from './upstream/simulator/index.ts';
import { deploymentRoutes, resolveSecret, setUpApiDeployments, UpstreamClient, UpstreamRouter, type Deployment } from './upstream/index.ts';
import { openResponseCache } from './traffic/cache/index.ts';
import { configuredRateLimits, setUpLimits, type Limits } from './traffic/index.ts';
import { ConversationStore, erasePersonWorkspace, personWorkspaceData, pruneOrgConversations, prunePeopleConversations, sealPlaintextMessages, sealPlaintextTemplates, sealPlaintextTitles } from './workspace/index.ts';
import { privacyRoutes } from './compliance/privacy/index.ts';
import { retentionRoutes, scheduleRetentionPurge, type RetentionPorts } from './compliance/retention/index.ts';
import { pruneOrgUsage, pruneTeamUsage, pseudonymizeUsage, usageOfUser } from './metering/index.ts';
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
  /** What the retention purge deletes through (tests run a purge at a chosen time with them). */
  retentionPorts: RetentionPorts;
  /** Counters, rate limits and this instance's registration (tests reload limits set through the API at once). */
  limits: Limits;
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
  const transport = transportOf(config); // a bad certificate stops the start before anything is opened
  const lock = config.store.database_url ? undefined : lockConfiguredDataDir(config);
  try {
    // Before anything is created: a first start that then failed to listen would have made (and
    // never shown) the admin key.
    if (options.listen !== false && config.server.port !== 0) await probeListen(config.server.host, config.server.port).catch((err: unknown) => Promise.reject(explainListenError(err, config)));
    return await startWithDataDir(config, options, lock, transport);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startWithDataDir(config: Config, options: StartOptions, lock: DataDirLock | undefined, transport: ReturnType<typeof readTransport>): Promise<Tollgate> {
  const log = options.logger ?? createLogger(config);
  const rateLimitRules = configuredRateLimits(config);
  const store = openConfiguredStore(config.store, (err) => log.error({ err }, 'database connection error'));
  await store.migrate();
  if (!config.metering.enabled) await refuseMeteringOffWithBudgets(store).catch((err: unknown) => store.close().then(() => Promise.reject(err)));
  // Before anything else starts: an unreachable cache Redis refuses the start with nothing left running.
  const responseCache = await openResponseCache(config.cache, log).catch((err: unknown) => store.close().then(() => Promise.reject(err)));

  let simulator: Simulator | undefined;
  let upstreamMode: Tollgate['upstreamMode'] = 'configured';
  let baseUrl = config.upstream.base_url ?? OPENAI_DEFAULT_BASE_URL;
  let upstreamUrl = baseUrl;
  const deployments = config.upstream.deployments;
  if (deployments.length === 0 && config.upstream.api_key === undefined && config.upstream.base_url === undefined) {
    simulator = createSimulator();
    baseUrl = `${await simulator.listen(0, '127.0.0.1')}/v1`;
    upstreamMode = 'simulator';
    upstreamUrl = baseUrl;
  }
  const upstream = new UpstreamClient({
    baseUrl,
    apiKey: config.upstream.api_key,
    headersTimeoutMs: config.upstream.headers_timeout_ms,
    bodyIdleTimeoutMs: config.upstream.stream_idle_timeout_ms,
    connections: config.upstream.connections,
  });
  const router = createRouter(config, baseUrl);
  if (router) upstreamUrl = router.deployments[0]!.base_url;

  // Encryption at rest (docs/compliance.md): a master key from config, or one generated in the data folder on SQLite.
  const encryption = setUpEncryption(store, { keyText: config.compliance.master_key, keyFile: config.compliance.master_key_file, dataDir: config.store.data_dir });
  if (encryption.status.status === 'off') log.warn({ encryption: encryption.status }, 'ENCRYPTION AT REST IS OFF: stored content and secrets are readable by anyone who reads the database');
  const directory = new Directory(store, { cipher: encryption.cipher });
  const keys = new KeyService(store, directory, { cacheTtlMs: config.access.key_cache_ttl_ms });
  directory.onAccessChange = () => keys.invalidateAll();
  // Changes made by other processes on the same store (instances, `tollgate keys revoke`): within ~250 ms on SQLite, at commit on PostgreSQL,
  // and over Redis pub/sub in milliseconds when REDIS_URL is set (the store's feed still catches what Redis misses).
  const changes = await startChangeFeed(store, { databaseUrl: config.store.database_url, redisUrl: config.store.redis_url, log }).catch((err: unknown) =>
    store.close().then(() => Promise.reject(/cannot reach Redis/.test((err as Error).message) ? new ConfigError(`${(err as Error).message}: start Redis or unset REDIS_URL`) : err)),
  );
  const guardPolicyStore = new GuardPolicyStore(store);
  const guardPolicies = new GuardPolicies({ store: guardPolicyStore, defaultPolicy: defaultGuardPolicy(config.guardrails), log });
  await guardPolicies.reload();
  changes.subscribe((topic) => {
    if (topic === ACCESS_TOPIC) keys.invalidateAll();
    if (topic === ACCESS_TOPIC) guardPolicies.invalidate();
    if (topic === GUARD_TOPIC) guardPolicies.reload().catch((err: unknown) => log.error({ err }, 'reloading guardrail policies'));
  });
  const sessions = new SessionService(store, directory, { idleTtlMs: config.access.sessions.idle_minutes * 60_000, absoluteTtlMs: config.access.sessions.max_hours * 3_600_000 });
  const home = await bootstrapAccess(store, directory, keys, { orgName: config.access.org_name, ownerEmail: config.access.owner_email, adminKey: config.access.admin_key, generateAdminKey: true });
  if (home.firstStart) await placeUnplacedRows(store, home.org.id, (ids) => keyPlacements(store, ids));
  const generatedAdminKey = home.generatedAdminKey;
  // Rows written before encryption was on are sealed now (idempotent: sealed rows are skipped).
  const sealedAtStart = (await sealPlaintextSecrets(directory)) + (await sealPlaintextMessages(store, encryption.cipher)) + (await sealPlaintextTitles(store, encryption.cipher)) + (await sealPlaintextTemplates(store, encryption.cipher));
  if (sealedAtStart > 0) log.info({ sealed: sealedAtStart }, 'encryption at rest: plaintext rows sealed');
  const ledger = new UsageLedger(store, log);
  const catalog = await loadPriceCatalog(store, {
    reloadIntervalMs: config.metering.reload_interval_ms,
    onReloadError: (err) => log.error({ err }, 'price overrides could not be reloaded'),
  });
  // Counters (in-process, or Redis shared by every instance), rate limits, and this instance's heartbeat.
  const limits = await setUpLimits(config, store, log, rateLimitRules).catch((err: unknown) => Promise.all([changes.close(), store.close()]).then(() => Promise.reject(err)));
  changes.subscribe((topic) => {
    if (topic === ACCESS_TOPIC) limits.reload().catch((err: unknown) => log.error({ err }, 'rate limits could not be reloaded'));
  });
  const budgets = await createBudgetService(store, {
    counters: limits.budgetCounters,
    webhookUrl: config.metering.budget_alerts.webhook_url,
    webhookSecret: config.metering.budget_alerts.webhook_secret,
    log,
    reloadIntervalMs: config.metering.reload_interval_ms,
  });
  // Budgets created, changed or deleted through another instance apply here within about a second.
  changes.subscribe((topic) => {
    if (topic === BUDGETS_TOPIC) budgets.refresh().catch((err: unknown) => log.error({ err }, 'budgets could not be reloaded'));
  });
  const unpriced = new UnpricedModels(store, log);
  const resolveModel = router && ((model: string) => router.aliases.resolve(model));
  const meter = config.metering.enabled ? new Meter({ catalog, budgets, onUnpriced: (model) => unpriced.note(model), resolveModel }) : undefined;
  const retention = scheduleRetention(ledger, config.metering.ledger_retention_days, log);
  const housekeeping = scheduleAccessHousekeeping(store, sessions, log);
  const mailer = config.mail.smtp_url ? createSmtpMailer({ url: config.mail.smtp_url, from: config.mail.from }) : undefined;
  // Workspace turns run through the gateway's pipeline in-process (the pipeline is built below).
  let gatewayChat: ReturnType<typeof inProcessChatCaller> | undefined;
  const chatRunner = options.chatRunner ?? new PipelineChatRunner({ call: (request) => gatewayChat!(request), keys: new WorkspaceKeys(keys, directory, { log }) });
  const temporaryCleanup = scheduleTemporaryCleanup(store, log);
  // Per-organization retention (docs/compliance.md): hourly, and once at start.
  const retentionPorts: RetentionPorts = {
    deleteConversations: (orgId, before) => pruneOrgConversations(store, orgId, before),
    deleteLedgerRows: (orgId, before) => ledger.flush().then(() => pruneOrgUsage(store, orgId, before)),
    deleteTeamConversations: async (orgId, teamId, before) => prunePeopleConversations(store, orgId, (await directory.teamMembers(teamId)).map((m) => m.user.id), before),
    deleteTeamLedgerRows: (teamId, before) => ledger.flush().then(() => pruneTeamUsage(store, teamId, before)),
  };
  const retentionPurge = scheduleRetentionPurge(store, retentionPorts, log);
  // Links audit records into the hash chain within a second of their commit and signs checkpoints.
  const auditSigner = loadSigningKey({ file: config.compliance.audit_signing_key_file, dataDir: config.store.data_dir, create: true });
  const auditChain = startAuditChainer(store, { signer: auditSigner, log });
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

  // Deployments written through /api/deployments: merged after tollgate.yaml's, kept in step through the change feed.
  const deploymentWrites = await setUpApiDeployments({ store, cipher: encryption.cipher, homeOrgId: home.org.id, router, allowPrivate: config.outbound.allow_private, log, subscribe: (fn) => changes.subscribe(fn) });

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
        const shared = await limits.readiness();
        return {
          ready: storeStatus === 'ok' && shared.ok,
          details: { store: { dialect: store.dialect, status: storeStatus }, upstream: upstreamReadiness(upstreamMode, router), encryption: encryption.status, ...shared.details, changes: changes.status() },
        };
      },
      openApi: () => (openApi ??= JSON.stringify(buildOpenApiDocument(routes, { version: VERSION, ...accessDocs }))),
    }),
    ...gatewayRouteDocs(),
    ...filesBatchesRouteDocs(),
    ...usageRoutes({ ledger, unpriced, directory }),
    ...accessRoutes(access),
    ...priceRoutes({ catalog, directory }),
    ...deploymentRoutes({ router, homeOrgId: home.org.id }),
    ...deploymentWrites,
    ...budgetRoutes({ budgets, directory, otherAlerts: (limit, reader) => unpriced.alerts(limit, reader) }),
    ...guardPolicyRoutes({ store, policies: guardPolicies, policyStore: guardPolicyStore, directory }),
    ...workspaceRoutes({ store, directory, catalog, budgets, runner: chatRunner, log, publicUrl: config.server.public_url, cipher: encryption.cipher }),
    ...complianceReportRoutes({
      store,
      sources: reportSources({
        store, directory, keys, budgets, ledger, config, homeOrgId: home.org.id, encryption: encryption.status,
        auditPublicKeys: new Map(auditSigner ? [[auditSigner.keyId, auditSigner.publicKey]] : []),
      }),
    }),
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
  const auditLevel = config.compliance.audit_requests;
  const requestAudit = auditLevel === 'none' ? undefined : new RequestAuditWriter(store, log, { level: auditLevel, cipher: encryption.cipher });
  const stages = createStages({ log, keys, upstream, router, ledger, meter, bodyLimitBytes: config.http.body_limit_bytes, responseCache, requestAudit, guard: { policies: guardPolicies, store }, limiter: limits.limiter });
  const runCall = createPipeline(options.stages ? options.stages(stages) : stages, {
    log,
    keepAlive: meter && ((call) => meter.keepAlive(call)),
    sendsCost: meter !== undefined,
    profile: stageProfile && ((call) => stageProfile.add(call)),
  });
  gatewayChat = inProcessChatCaller(runCall, newRequestId);
  // /v1/files and /v1/batches: passed through to the default deployment, isolated per organization, batches metered when they finish.
  const filesBatches = createFilesBatchesGateway({
    store, keys, ledger, catalog, requestAudit, log, newRequestId,
    upstream: router ? router.client(router.deployments[0]!.id) : upstream,
    budgets: meter ? budgets : undefined,
    uploadLimitBytes: config.http.upload_limit_bytes,
    bodyLimitBytes: config.http.body_limit_bytes,
    pollIntervalMs: config.metering.batch_poll_interval_ms,
    clientAddress: clientAddress(config.server.trust_proxy),
  });
  const gatewayHandler = createGatewayHandler({ run: runCall, newRequestId, clientAddress: clientAddress(config.server.trust_proxy) });
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
    transport,
    trustProxy: config.server.trust_proxy,
    routes: [...routes, ...web.routes],
    checkResponses: process.env['TOLLGATE_CHECK_RESPONSES'] === 'on',
    install: async (server) => {
      installAccessControl(server, {
        keys,
        sessions,
        directory,
        publicLimit: publicRateLimit(server, config.access.public_rate_limit_per_minute, limits.shared),
      });
      // The file server behind GET /assets/* (a declared route).
      await web.register(server);
    },
    requestLog: { actorOf: (req) => req.access?.actor.userId ?? null, loggedElsewhere: () => false },
    // /v1 bypasses Fastify: the gateway's pipeline serves it (and logs and records every request).
    raw: {
      matches: (url) => url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?'),
      handler: (req, res) => (isFilesOrBatchesPath((req.url ?? '/').split('?', 1)[0]!) ? filesBatches.handle : gatewayHandler)(req, res),
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
    retentionPorts,
    limits,
    url: '',
    upstreamMode,
    upstreamUrl,
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
        () => filesBatches.close(),
        // The bench reads this line (TOLLGATE_PROFILE=on): CPU µs per request by gateway stage.
        () => void (stageProfile && log.info({ stageProfile: stageProfile.summary() }, 'gateway stage profile')),
        // Mails a route started after answering (password resets) go out before the mailer and the store close.
        () => background.drain(),
        () => changes.close(),
        () => upstream.destroy(),
        () => router?.destroy(),
        () => chatRunner.close?.(),
        () => keys.close(),
        () => budgets.close(),
        () => limits.close(),
        () => catalog.close(),
        () => ledger.close(),
        () => requestAudit?.close(),
        () => unpriced.close(),
        () => simulator?.close(),
        () => responseCache?.close(),
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
      const address = await app.listen({ host: config.server.host, port: config.server.port });
      // Fastify names the address http:// whatever server it was given.
      tollgate.url = config.server.tls_cert_file ? address.replace(/^http:/, 'https:') : address;
    } else {
      await app.ready();
    }
  } catch (err) {
    await tollgate.close().catch(() => {});
    throw explainListenError(err, config);
  }
  return tollgate;
}

/** HTTPS and HSTS from the server settings; a file that cannot serve is a ConfigError. */
function transportOf(config: Config): ReturnType<typeof readTransport> {
  try {
    return readTransport({
      certFile: config.server.tls_cert_file,
      keyFile: config.server.tls_key_file,
      hstsMaxAgeSeconds: config.server.hsts_max_age_seconds,
      publicUrl: config.server.public_url,
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (server.tls_cert_file / TOLLGATE_TLS_CERT_FILE, server.tls_key_file / TOLLGATE_TLS_KEY_FILE)`);
  }
}

/**
 * The deployments, aliases and fallback chains of tollgate.yaml, or undefined when none is set (one
 * upstream, exactly as before, with nothing added to the request path). Aliases or chains without
 * deployments use the one upstream as a deployment named `default` that serves every model.
 */
function createRouter(config: Config, baseUrl: string): UpstreamRouter | undefined {
  const u = config.upstream;
  if (u.deployments.length === 0 && Object.keys(u.aliases).length === 0 && Object.keys(u.fallbacks).length === 0) return undefined;
  const secrets = new Map(config.deploymentSecrets);
  let deployments: Deployment[] = u.deployments;
  if (deployments.length === 0) {
    deployments = [{ id: 'default', provider: 'openai', base_url: baseUrl, weight: 1, priority: 0, models: ['*'], model_map: {}, limits: {}, attributes: { zero_retention: false, tags: [] } }];
    if (u.api_key !== undefined) secrets.set('default', u.api_key);
  }
  for (const d of deployments) {
    if (!d.api_key || secrets.has(d.id)) continue;
    try {
      secrets.set(d.id, resolveSecret(d.api_key, { env: process.env }));
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  upstream.deployments (deployment '${d.id}') api_key: ${(err as Error).message}`);
    }
  }
  return new UpstreamRouter({
    deployments,
    secrets,
    aliases: u.aliases,
    fallbacks: u.fallbacks,
    fallbackAfter: u.fallback_after,
    retry: {
      maxAttempts: u.retry.max_attempts,
      baseDelayMs: u.retry.base_delay_ms,
      maxDelayMs: u.retry.max_delay_ms,
      deadlineMs: u.retry.deadline_ms,
      attemptTimeoutMs: u.retry.attempt_timeout_ms,
    },
    breaker: { consecutiveFailures: u.circuit_breaker.consecutive_failures, coolDownMs: u.circuit_breaker.cool_down_ms },
    headersTimeoutMs: u.headers_timeout_ms,
    bodyIdleTimeoutMs: u.stream_idle_timeout_ms,
    connections: u.connections,
  });
}

/**
 * `/ready`'s upstream part: the mode and, with deployments, how many circuits are closed, open and
 * half open (`degraded` when one is open, `unavailable` when all are). Counts only: /ready is
 * public, and which deployment is which is for `GET /api/deployments`.
 */
function upstreamReadiness(mode: Tollgate['upstreamMode'], router: UpstreamRouter | undefined): Record<string, unknown> {
  if (!router) return { mode, status: 'configured' };
  const circuits = { closed: 0, open: 0, half_open: 0 };
  for (const state of Object.values(router.circuits(Date.now()))) circuits[state]++;
  const total = router.deployments.length;
  return { mode, status: circuits.open === 0 ? 'configured' : circuits.open === total ? 'unavailable' : 'degraded', circuits };
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
