import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { CostBreakdown } from '../../metering/prices/index.ts';
import type { TokenUsage } from '../../metering/index.ts';
import {
  CACHE_HEADER,
  CACHE_STATUS_HEADER,
  parseCacheDirective,
  replayChatStream,
  replayResponsesStream,
  StreamAssembler,
  type CacheableEndpoint,
  type CachedResponse,
  type CachePlan,
  type ResponseCache,
} from '../../traffic/cache/index.ts';
import type { GatewayCall } from './call-context.ts';
import { ForwardingSink, type CallSink } from './call-sink.ts';

/** What the response cache did for one call (the `x-tollgate-cache-status` header and the ledger's `cache_status`). */
export interface CallCacheState {
  status: 'hit' | 'miss' | 'bypass';
  /** A hit: what the answer cost when the upstream gave it (nano-dollars; null when unknown). */
  savedNanos: number | null;
  /** A miss: where the answer is stored once it is complete. */
  store?: { cache: ResponseCache; plan: Extract<CachePlan, { status: 'lookup' }>; assembler: StreamAssembler | undefined } | undefined;
}

/** The endpoints the cache serves, by route. */
const ENDPOINTS: Readonly<Record<string, CacheableEndpoint>> = {
  '/v1/chat/completions': 'chat',
  '/v1/responses': 'responses',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
};

/**
 * The route stage's cache step, after the model is known: reads `x-tollgate-cache` (a bad value is
 * a 400, also when the cache is off), decides hit, miss or bypass, and on a hit answers the call
 * (`call.reply` set: the call stage does nothing). A miss remembers the key; `settleCache` stores
 * the answer once it is complete. Admission (keys, budgets) ran before: a hit never skips it.
 * `allowed` false (the request's sensitivity label forbids the cache): bypass, whatever the header says.
 * @example run(call) { call.upstream = upstream; return lookupCache(call, cache); }
 */
export function lookupCache(call: GatewayCall, cache: ResponseCache | undefined, allowed = true): void | Promise<void> {
  const endpoint = call.route === null ? undefined : ENDPOINTS[call.route];
  if (endpoint === undefined) return;
  const directive = parseCacheDirective(call.headers[CACHE_HEADER]);
  if (!cache) return;
  if (!allowed) {
    track(call, { status: 'bypass', savedNanos: null });
    return;
  }
  const body = call.body;
  const model = call.modelServed ?? call.modelRequested;
  const principal = call.principal;
  // A streamed request is served from the cache only where a replay exists (chat, responses);
  // logprobs are not kept by the cache, so a request asking for them always goes upstream.
  const replayable = !call.stream || endpoint === 'chat' || endpoint === 'responses';
  const plan: CachePlan =
    body && model && principal?.orgId && replayable && body.logprobs !== true
      ? cache.plan({ orgId: principal.orgId, endpoint, model, body, directive })
      : { status: 'bypass' };
  if (plan.status === 'bypass') {
    track(call, { status: 'bypass', savedNanos: null });
    return;
  }
  return cache.lookup(plan).then(
    (hit) => (hit ? answer(call, hit) : miss(call, cache, plan)),
    // An unreachable cache is a miss: the request goes upstream (and its store is dropped the same way).
    (err: unknown) => {
      cache.failed(err);
      miss(call, cache, plan);
    },
  );
}

function miss(call: GatewayCall, cache: ResponseCache, plan: Extract<CachePlan, { status: 'lookup' }>): void {
  const assembler = call.stream ? new StreamAssembler(plan.endpoint === 'responses' ? 'responses' : 'chat', cache.maxEntryBytes) : undefined;
  track(call, { status: 'miss', savedNanos: null, store: { cache, plan, assembler } });
}

/** A hit: the stored answer as JSON, or replayed as the stream the request asked for. */
function answer(call: GatewayCall, hit: CachedResponse): void {
  track(call, { status: 'hit', savedNanos: typeof hit.costNanos === 'number' ? hit.costNanos : null });
  const body = hit.body;
  if (typeof body.model === 'string') call.modelServed = body.model;
  // No upstream header is kept: a hit carries Tollgate's own request id and the entry's age only.
  const headers: Record<string, string> = { age: String(Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000))) };
  if (!call.stream) {
    call.reply = { kind: 'json', status: 200, headers, body: Buffer.from(JSON.stringify(body)) };
    return;
  }
  const events =
    hit.endpoint === 'responses'
      ? replayResponsesStream(body)
      : replayChatStream(body, { includeUsage: (call.body?.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true });
  call.reply = { kind: 'stream', status: 200, headers, body: Readable.from(events.map((e) => Buffer.from(e))) };
}

/**
 * Where the answer is complete (the meter stage, after the cost is known): a hit costs nothing (its
 * usage is not billed; the saving is recorded); a miss whose answer is complete and successful is
 * stored with what it cost. Never waits and never fails the call.
 * @example run(call) { meter?.complete(call); settleCache(call); }
 */
export function settleCache(call: GatewayCall): void {
  const state = call.cache;
  if (!state) return;
  if (state.status === 'hit') {
    // A replayed stream's usage chunk told the relay the tokens: none were used upstream.
    call.usage = undefined;
    if (call.metering) call.metering.cost = FREE;
    return;
  }
  const store = state.store;
  if (!store || call.error || call.errorCode !== null || call.upstreamStatus !== 200 || call.reply?.status !== 200 || call.sink.closed) return;
  let body: Record<string, unknown> | undefined;
  if (store.assembler) body = store.assembler.result(call.usage && usageObject(call.usage, store.plan.endpoint));
  else if (call.reply.kind === 'json' && call.reply.body.length <= store.cache.maxEntryBytes) body = parseObject(call.reply.body);
  if (!body) return;
  const cost = call.metering?.cost?.total ?? null;
  store.cache.store(store.plan, body, cost).catch((err: unknown) => store.cache.failed(err));
}

/** A hit's cost: known, and nothing. */
const FREE: Readonly<CostBreakdown> = Object.freeze({ known: true, total: 0, input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: 0, audio: 0, tier: 'default', tierApplied: true, tierDiscount: 0 });

/** Sets the call's cache state and puts its sink behind one that names it in the answer's headers (and gathers a stream). */
function track(call: GatewayCall, state: CallCacheState): void {
  call.cache = state;
  call.sink = new CacheStatusSink(call.sink, state);
}

/**
 * The call's sink with `x-tollgate-cache-status` added to the answer's headers, whatever stage
 * starts the answer; on a streamed miss it also feeds the relayed events to the assembler.
 */
class CacheStatusSink extends ForwardingSink {
  constructor(
    inner: CallSink,
    private readonly state: CallCacheState,
  ) {
    super(inner);
  }

  override start(status: number, headers: OutgoingHttpHeaders): void {
    this.inner.start(status, { ...headers, [CACHE_STATUS_HEADER]: this.state.status });
  }

  override write(chunk: Buffer | string): boolean {
    this.state.store?.assembler?.feed(chunk);
    return this.inner.write(chunk);
  }
}

function parseObject(buf: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** OpenAI's usage object for counts the relay read (a chat stream whose usage chunk the client did not ask for). */
function usageObject(u: TokenUsage, endpoint: CacheableEndpoint): Record<string, unknown> | undefined {
  if (endpoint !== 'chat') return undefined;
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: u.audioIn },
    completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: u.audioOut },
  };
}
