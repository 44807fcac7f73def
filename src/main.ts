import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { KeyService } from './access/key-service.ts';
import { hashKeySecret } from './access/key-secret.ts';
import type { Config } from './config/index.ts';
import { makeRecorder } from './gateway/record.ts';
import { buildServer } from './http/server.ts';
import { UsageLedger } from './metering/ledger.ts';
import { openStore, sqlitePathIn, type Store } from './state/index.ts';
import { createSimulator, type Simulator } from './upstream/simulator/index.ts';
import { UpstreamClient } from './upstream/upstream-client.ts';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** A running Tollgate: what tests and the CLI hold on to. */
export interface Tollgate {
  app: FastifyInstance;
  store: Store;
  keys: KeyService;
  ledger: UsageLedger;
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
}

/**
 * Composition root: config → store → services → HTTP server, listening on config.host:config.port.
 * @example const tg = await startTollgate(loadConfig()); console.log(tg.url);
 */
export async function startTollgate(config: Config, options: StartOptions = {}): Promise<Tollgate> {
  const log = options.logger ?? pino({ level: config.logLevel, base: null, redact: { paths: ['req.headers.authorization', '*.authorization'], remove: true } });
  const store = openConfiguredStore(config);
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

  const keys = new KeyService(store, { cacheTtlMs: config.keyCacheTtlMs });
  const generatedAdminKey = await bootstrapAdminKey(store, keys, config.adminKey);
  const ledger = new UsageLedger(store, log);
  const record = makeRecorder(ledger, log);

  const app = await buildServer({
    log,
    store,
    keys,
    ledger,
    upstream,
    record,
    upstreamMode,
    bodyLimitBytes: config.bodyLimitBytes,
    maxHeaderBytes: config.maxHeaderBytes,
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
    ledger,
    url,
    upstreamMode,
    upstreamUrl: baseUrl,
    simulator,
    generatedAdminKey,
    async close() {
      await app.close();
      await keys.close();
      await ledger.close();
      await upstream.close();
      await simulator?.close();
      await store.close();
    },
  };
}

/** The store the configuration names: PostgreSQL for a `DATABASE_URL`, else SQLite in the data directory. */
export function openConfiguredStore(config: Config): Store {
  return config.databaseUrl ? openStore({ databaseUrl: config.databaseUrl }) : openStore({ sqlitePath: sqlitePathIn(config.dataDir) });
}

/**
 * On an empty store, creates the first admin key: TOLLGATE_ADMIN_KEY's value if set, else a random
 * one that is returned to be shown once. A TOLLGATE_ADMIN_KEY not yet known is added on any start,
 * so scripts can rely on it; a revoked one stays revoked.
 */
async function bootstrapAdminKey(store: Store, keys: KeyService, adminKey: string | undefined): Promise<string | undefined> {
  if (adminKey !== undefined) {
    const known = await store.db.selectFrom('api_keys').select('id').where('hash', '=', hashKeySecret(adminKey)).executeTakeFirst();
    if (!known) await keys.create({ name: 'bootstrap admin (TOLLGATE_ADMIN_KEY)', role: 'admin', secret: adminKey });
    return undefined;
  }
  if ((await keys.count()) > 0) return undefined;
  const { secret } = await keys.create({ name: 'bootstrap admin', role: 'admin' });
  return secret;
}
