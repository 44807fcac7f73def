/**
 * Shared set-up of the conformance suite: a Tollgate (in front of the simulator) per store kind,
 * official `openai` SDK clients pointed at it, a record of every response the SDK received, and
 * checks against OpenAI's OpenAPI description (skipped when the spec file is absent; under CI=true
 * a missing spec fails the file).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import OpenAI from 'openai';
import { maskApiKey } from '../../src/upstream/simulator/index.ts';
import { openApiValidatorForChecks } from '../../src/upstream/simulator/openapi-validator.ts';
import { startGateway, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';
import { parseSse } from '../support/sse.ts';
import { storeKinds, type StoreKind, type TestStore } from '../support/stores.ts';

/** One HTTP exchange as the SDK saw it. */
export interface Seen {
  method: string;
  url: string;
  /** Path below the gateway's origin, without the query string (e.g. `/v1/chat/completions`). */
  path: string;
  status: number;
  headers: Record<string, string>;
  requestId: string | null;
  /** The whole response body as text (a stream's body once it has ended). */
  body: Promise<string>;
}

/** Records every response the SDK clients of one gateway receive. */
export class Observer {
  readonly seen: Seen[] = [];

  /** A `fetch` for `new OpenAI({ fetch })` that keeps a copy of each response. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    this.seen.push({
      method,
      url,
      path: new URL(url).pathname,
      status: res.status,
      headers: Object.fromEntries(res.headers),
      requestId: res.headers.get('x-request-id'),
      body: res.clone().text().catch(() => ''),
    });
    return res;
  };

  last(): Seen {
    const s = this.seen.at(-1);
    assert.ok(s, 'the SDK made a request');
    return s;
  }

  /** Exchanges made from index `from` on. */
  since(from: number): Seen[] {
    return this.seen.slice(from);
  }
}

/** What every conformance test file gets: a gateway and SDK clients. */
export interface Conformance {
  readonly gw: TestGateway;
  readonly observer: Observer;
  readonly kind: StoreKind['name'];
  /** An SDK client (user key shared by the suite unless `key` is given), `maxRetries: 0` unless given, recording into `observer`. */
  client(options?: { key?: string; maxRetries?: number; defaultHeaders?: Record<string, string | null> }): Promise<OpenAI>;
  /** A user key created through the admin API. */
  userKey(body?: Record<string, unknown>): Promise<string>;
  /** Like {@link userKey}, with the key's id as well. */
  userKeyWithId(body?: Record<string, unknown>): Promise<{ id: string; key: string }>;
}

/**
 * Declares `fn`'s tests once per store kind: SQLite always, PostgreSQL too when
 * TOLLGATE_TEST_DATABASE_URL is set. Each kind gets its own gateway, simulator and database.
 */
export function conformanceSuite(title: string, fn: (c: Conformance) => void): void {
  for (const kind of storeKinds()) {
    describe(`${title} [${kind.name}]`, () => {
      let gw: TestGateway | undefined;
      let store: TestStore | undefined;
      let defaultKey: string | undefined;
      const observer = new Observer();
      before(async () => {
        store = await kind.create();
        gw = await startGateway({ store });
      });
      after(async () => {
        await gw?.close();
        await store?.dispose();
      });
      const c: Conformance = {
        get gw() {
          assert.ok(gw, 'gateway started');
          return gw;
        },
        observer,
        kind: kind.name,
        async userKey(body = {}) {
          return c.gw.createKey({ kind: 'service', team_id: c.gw.tg.home.defaultTeam.id, role: 'member', ...body });
        },
        async userKeyWithId(body = {}) {
          const res = await c.gw.call('/api/keys', { body: { name: 'conformance', kind: 'service', team_id: c.gw.tg.home.defaultTeam.id, role: 'member', ...body } });
          assert.equal(res.status, 201, await res.clone().text());
          return (await res.json()) as { id: string; key: string };
        },
        async client(options = {}) {
          const key = options.key ?? (defaultKey ??= await c.userKey({ name: 'conformance' }));
          return new OpenAI({
            baseURL: `${c.gw.url}/v1`,
            apiKey: key,
            maxRetries: options.maxRetries ?? 0,
            timeout: 30_000,
            fetch: observer.fetch,
            ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
          });
        },
      };
      fn(c);

      test('every response and stream event the SDK received validates against the OpenAPI schemas', async (t) => {
        if (!validator) {
          t.skip(missingSpec);
          return;
        }
        const checked = await assertAllConform(observer);
        assert.ok(checked > 0, 'something was checked');
      });

      test('the upstream key is in no response body, header or log line', async () => {
        const checked = await assertUpstreamKeyNeverSeen(c.gw, observer);
        assert.ok(checked > 0, 'responses were checked');
        assert.ok(c.gw.logs.length > 0, 'the gateway logged');
      });
    });
  }
}

const { validator, skip: missingSpec } = openApiValidatorForChecks();
let reportedMissingSpec = false;

/** Asserts `value` matches `#/components/schemas/<schema>` of OpenAI's OpenAPI description; a no-op without the spec. */
export function conforms(t: TestContext, schema: string, value: unknown): void {
  if (!validator) {
    if (!reportedMissingSpec) t.diagnostic(`schema checks skipped: ${missingSpec}`);
    reportedMissingSpec = true;
    return;
  }
  validator.assertValid(schema, value);
}

/** Whether the OpenAPI spec is available (for tests that only check schemas). */
export const haveSpec = validator !== undefined;

/** The schema of a successful non-streamed body, by gateway path. */
function bodySchema(path: string): string {
  if (path === '/v1/chat/completions') return 'CreateChatCompletionResponse';
  if (path === '/v1/responses') return 'Response';
  if (path === '/v1/completions') return 'CreateCompletionResponse';
  if (path === '/v1/embeddings') return 'CreateEmbeddingResponse';
  if (path === '/v1/moderations') return 'CreateModerationResponse';
  if (path === '/v1/models') return 'ListModelsResponse';
  if (path.startsWith('/v1/models/')) return 'Model';
  throw new Error(`no schema known for ${path}`);
}

/** The spec documents embeddings as float arrays only; decode base64 ones (the SDK's default) before checking. */
function decodeEmbeddings(body: { data?: { embedding?: unknown }[] }): unknown {
  for (const d of body.data ?? []) {
    if (typeof d.embedding === 'string') {
      const bytes = Buffer.from(d.embedding, 'base64');
      d.embedding = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    }
  }
  return body;
}

/** Validates one SSE event of a stream on `path`. */
function assertEventConforms(path: string, event: string | undefined, data: unknown): void {
  const v = validator!;
  const obj = data as { error?: unknown; choices?: { finish_reason?: unknown }[] };
  if (path === '/v1/responses') return v.assertValid('ResponseStreamEvent', data);
  if (obj.error !== undefined) return v.assertValid('ErrorResponse', data);
  if (path === '/v1/chat/completions') return v.assertValid('CreateChatCompletionStreamResponse', data);
  if (path === '/v1/completions') {
    // Known spec gap: chunks reuse the non-streamed schema, whose finish_reason is not nullable.
    for (const choice of obj.choices ?? []) choice.finish_reason ??= 'stop';
    return v.assertValid('CreateCompletionResponse', data);
  }
  throw new Error(`unexpected stream (${event ?? 'data'}) on ${path}`);
}

/**
 * Validates every body the SDK received (errors against ErrorResponse, streams event by event)
 * and returns how many exchanges were checked. Requires the spec.
 */
export async function assertAllConform(observer: Observer): Promise<number> {
  assert.ok(validator);
  for (const s of observer.seen) {
    const text = await s.body;
    const where = `${s.method} ${s.path} → ${s.status} (${s.requestId})`;
    try {
      if (s.status >= 400) {
        validator.assertValid('ErrorResponse', JSON.parse(text));
      } else if ((s.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        const events = parseSse(text);
        const failed = events.some((e) => e.event === 'error' || e.data.startsWith('{"error"'));
        if (!failed) {
          const done = s.path === '/v1/responses' ? 0 : 1;
          assert.equal(events.filter((e) => e.data === '[DONE]').length, done, '[DONE] ends chat and completions streams, only');
          if (done) assert.equal(events.at(-1)?.data, '[DONE]');
        }
        for (const e of events) if (e.data !== '[DONE]') assertEventConforms(s.path, e.event, JSON.parse(e.data));
      } else {
        const schema = bodySchema(s.path);
        const body = JSON.parse(text) as Record<string, unknown>;
        validator.assertValid(schema, schema === 'CreateEmbeddingResponse' ? decodeEmbeddings(body) : body);
      }
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
    }
  }
  return observer.seen.length;
}

/** Forms of the upstream key that must never reach a client or a log. */
export const UPSTREAM_KEY_FORMS = [UPSTREAM_KEY, maskApiKey(UPSTREAM_KEY), UPSTREAM_KEY.slice(-16)];

/** Asserts `text` (a body, header block, message or log) contains no form of the upstream key. */
export function assertNoUpstreamKey(text: string, where: string): void {
  for (const form of UPSTREAM_KEY_FORMS) {
    assert.ok(!text.includes(form), `${where} must not contain the upstream key (found ${JSON.stringify(form)})`);
  }
}

/** Checks every response recorded by `observer` and every log line of `gw` for the upstream key. */
export async function assertUpstreamKeyNeverSeen(gw: TestGateway, observer: Observer): Promise<number> {
  for (const s of observer.seen) {
    assertNoUpstreamKey(JSON.stringify(s.headers), `headers of ${s.method} ${s.path}`);
    assertNoUpstreamKey(await s.body, `body of ${s.method} ${s.path}`);
  }
  assertNoUpstreamKey(gw.logs.join(''), 'the gateway logs');
  return observer.seen.length;
}

/** The OpenAI-shaped error body the SDK parsed, for schema checks. */
export function errorBody(err: unknown): { error: unknown } {
  assert.ok(err instanceof OpenAI.APIError, `expected an APIError, got ${String(err)}`);
  return { error: err.error };
}

/** Runs `fn`, asserts it throws an instance of `type`, and returns the error. */
export async function rejectsWith<E extends Error>(fn: () => Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    return err;
  }
  assert.fail(`expected ${type.name} to be thrown`);
}

/** A usage row of `GET /api/usage`. */
export interface UsageRow {
  request_id: string;
  key_id: string | null;
  endpoint: string;
  model_requested: string | null;
  model_served: string | null;
  status: number;
  stream: boolean;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  upstream_request_id: string | null;
  error_code: string | null;
}

/** Every ledger row, newest first, read with the admin key. */
export async function usageRows(gw: TestGateway): Promise<{ data: UsageRow[]; totals: Record<string, number> }> {
  const res = await gw.call('/api/usage?limit=10000');
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { data: UsageRow[]; totals: Record<string, number> };
}

export const CHAT_MODEL = 'gpt-4o-mini';
export const USER_MESSAGES: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a terse assistant for a toll road operator.' },
  { role: 'user', content: 'How do toll gates decide what to charge a lorry?' },
];
