import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { LoginThrottle } from '../../src/access/credentials/login-throttle.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { startTollgate, type StartOptions, type Tollgate } from '../../src/app.ts';
import { createSimulator, type ExtraModel, type Simulator } from '../../src/upstream/simulator/index.ts';
import { createSqliteStore, type TestStore } from './stores.ts';

// Every answer of a declared route is checked against its response schema in the tests, so the
// OpenAPI document cannot drift from what the server sends.
process.env['TOLLGATE_CHECK_RESPONSES'] ??= 'on';

/** The upstream key the test simulator demands; it must never reach a client, a log or the ledger. */
export const UPSTREAM_KEY = 'sk-upstream-test-0123456789abcdefSECRET';
export const ADMIN_KEY = 'tg-test-admin-key-0123456789abcdef';

export interface TestGateway {
  tg: Tollgate;
  sim: Simulator;
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  adminKey: string;
  /** Every log line Tollgate wrote, as text. */
  logs: string[];
  /** Creates a key through the admin API and returns its secret. */
  createKey(body?: Record<string, unknown>): Promise<string>;
  /** fetch against Tollgate with a key (admin by default) and JSON body. */
  call(path: string, init?: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Overrides of environment variables (e.g. TOLLGATE_STREAM_IDLE_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Use this store's database (PostgreSQL) instead of a fresh SQLite file. */
  store?: TestStore;
  /** A sign-in throttle to use (e.g. a MemoryLoginThrottle with a fake clock). */
  loginThrottle?: LoginThrottle;
  /**
   * Listen on a port chosen before start and set TOLLGATE_PUBLIC_URL to this server's address
   * (single sign-on needs a public URL; it is never taken from the Host header).
   */
  publicUrl?: boolean;
  /**
   * Models the simulator serves besides its catalog (e.g. an unpriced made-up
   * model); like OpenAI, it answers 404 model_not_found to any other id.
   */
  simulatorModels?: readonly (string | ExtraModel)[];
  /** Time between the simulator's batch steps (validating → in_progress → finalizing → completed); default 30 ms. */
  simulatorBatchStepMs?: number;
  /** Changes the gateway's stage list (a test adds a stage to see where it runs). */
  stages?: StartOptions['stages'];
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a simulator that requires UPSTREAM_KEY and a Tollgate in front of it, both on loopback ports. */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const sim = createSimulator({
    apiKey: UPSTREAM_KEY,
    ...(options.simulatorModels ? { models: options.simulatorModels } : {}),
    ...(options.simulatorBatchStepMs !== undefined ? { batchStepMs: options.simulatorBatchStepMs } : {}),
  });
  await sim.listen(0, '127.0.0.1');
  const store = options.store ?? (await createSqliteStore());
  const port = options.publicUrl ? await freePort() : 0;
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    ...(options.publicUrl ? { TOLLGATE_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    TOLLGATE_DATA_DIR: store.dataDir,
    OPENAI_API_KEY: UPSTREAM_KEY,
    OPENAI_BASE_URL: `${sim.url}/v1`,
    TOLLGATE_ADMIN_KEY: ADMIN_KEY,
    TOLLGATE_LOG_LEVEL: 'info',
    ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
    ...options.env,
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  let tg: Tollgate;
  try {
    // Only what the test sets: a tollgate.yaml left in the working directory must not change it.
    const config: Config = loadConfig(env, { findFile: false });
    const logger = pino({ level: config.logging.level, base: null }, sink);
    tg = await startTollgate(config, {
      logger,
      ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
      ...(options.stages ? { stages: options.stages } : {}),
    });
  } catch (err) {
    // A start that is refused (a test of a ConfigError) leaves nothing running behind it.
    await sim.close();
    if (!options.store) await store.dispose();
    throw err;
  }
  const url = tg.url;

  const call: TestGateway['call'] = (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const key = init.key === undefined ? ADMIN_KEY : init.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(url + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) }).then(async (res) => {
      // The upstream key is never in an answer (JSON answers are read whole here; streams are left to their tests).
      if (/json/.test(res.headers.get('content-type') ?? '') && (await res.clone().text()).includes(UPSTREAM_KEY)) {
        leaks.push(`the upstream key in the answer to ${init.method ?? 'GET'} ${path}`);
      }
      return res;
    });
  };
  // Every test that starts a gateway checks at its close that no secret reached the log or an answer (issue 13).
  const leaks: string[] = [];
  const createdSecrets: string[] = [];

  return {
    tg,
    sim,
    url,
    adminKey: ADMIN_KEY,
    logs,
    call,
    async createKey(body = {}) {
      const res = await call('/api/keys', { body: { name: 'test key', ...body } });
      if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${await res.text()}`);
      const secret = ((await res.json()) as { key: string }).key;
      createdSecrets.push(secret);
      return secret;
    },
    async close() {
      await tg.close();
      await sim.close();
      if (!options.store) await store.dispose();
      const log = logs.join('');
      for (const [name, secret] of [['the upstream key', UPSTREAM_KEY], ['the admin key', ADMIN_KEY], ...createdSecrets.map((k) => ['a created key', k] as const)] as const) {
        if (log.includes(secret)) leaks.push(`${name} in Tollgate's log`);
      }
      if (leaks.length > 0) throw new Error(`secrets leaked: ${[...new Set(leaks)].join('; ')}`);
    },
  };
}
