import type { Dispatcher } from 'undici';
import { fail, TollgateError } from '../../errors/index.ts';
import { callWithFailover, headerGetter, type AttemptResult, type AttemptTarget, type UpstreamRouter } from '../../upstream/index.ts';
import { answerFacts, type AnswerFacts } from '../reply/json-reply.ts';
import { passedHeaders, upstreamError } from '../upstream-error.ts';
import { acceptJson, readBuffer, unreachable } from './call.ts';
import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

/** What a successful attempt hands back: the response, its body when not streamed, and its abort. */
interface Answer {
  res: Dispatcher.ResponseData;
  body: Buffer | undefined;
  facts: AnswerFacts | undefined;
  abort: AbortController;
}

/**
 * Stage 5 with deployments configured: the failover loop (upstream/failover.ts) around one upstream
 * attempt. The balancer picks a deployment per attempt (open circuits skipped); a 429 (not quota or
 * billing), 5xx, timeout or broken connection is retried with full-jitter backoff, never sooner
 * than the upstream's Retry-After or x-ratelimit-reset, on another deployment when there is one and
 * along the fallback chain, within the attempt cap and the request's deadline. Each attempt has
 * its own time limit (to its response headers; a JSON answer to its last byte). A streamed answer
 * is handed on as soon as its headers arrive: from then on it is never retried, since its first
 * byte goes to the client next. Only the answer handed on is metered: a failed attempt leaves no
 * usage on the call, so the client is billed once, at the price of the model that served.
 */
export function failoverCallStage(router: UpstreamRouter): Stage {
  return {
    name: 'call',
    run(call: GatewayCall) {
      if (call.reply) return; // answered by route (a cache hit)
      if (call.sink.closed) throw fail('client_closed');
      return callDeployments(call, router);
    },
  };
}

async function callDeployments(call: GatewayCall, router: UpstreamRouter): Promise<void> {
  const client = new AbortController();
  call.sink.onClose(() => client.abort());
  const target = call.target!;
  const plan = call.plan!;
  const deadlineAt = Date.now() + router.retry.deadlineMs;
  const tried: string[] = [];
  const bodies = new Map<string, string | Buffer | undefined>();
  let lastError: TollgateError | undefined;
  let lastStatus: number | null = null;

  const attempt = async (t: AttemptTarget): Promise<AttemptResult<Answer>> => {
    if (client.signal.aborted) throw fail('client_closed');
    tried.push(t.deployment.id);
    // What the meter sees is the last attempt's status only: an earlier answer that broke is not billed.
    lastStatus = null;
    const upstream = router.client(t.deployment.id);
    const abort = new AbortController();
    const onGone = () => abort.abort();
    client.signal.addEventListener('abort', onGone, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, Math.max(1, Math.min(router.attemptTimeoutMs, deadlineAt - Date.now())));
    const stop = () => {
      clearTimeout(timer);
      client.signal.removeEventListener('abort', onGone);
    };
    const started = performance.now();
    const path = call.pathParam === undefined ? target.route.slice(3) : `/models/${encodeURIComponent(t.upstreamModel)}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await upstream.request({ method: target.method, path, body: bodyFor(call, t.upstreamModel, bodies), signal: abort.signal });
    } catch (err) {
      stop();
      if (client.signal.aborted) throw fail('client_closed', {}, { cause: err });
      lastError = timedOut ? fail('upstream_timeout', {}, { cause: err }) : unreachable(err);
      return { ok: false, failure: { status: timedOut || lastError.code === 'upstream_timeout' ? 408 : undefined } };
    }
    const latencyMs = performance.now() - started;
    const get = headerGetter(res.headers);
    router.stats.observe(t.deployment.id, get, Date.now());
    lastStatus = res.statusCode;
    if (res.statusCode >= 400) {
      const text = await readBuffer(res).then((b) => b.toString('utf8'), () => '');
      stop();
      lastError = upstreamError(res.statusCode, text, res.headers, (s) => upstream.redact(s));
      const errorCode = lastError.type === ('insufficient_quota' as string) ? 'insufficient_quota' : lastError.code;
      // A deployment whose key is refused is broken, not the request: another deployment may serve it.
      const status = res.statusCode === 401 || res.statusCode === 403 ? 502 : res.statusCode;
      return { ok: false, failure: { status, errorCode, headers: get }, latencyMs };
    }
    if (call.stream) {
      clearTimeout(timer); // the stream's idle timeout takes over; the client's leaving still aborts it
      return { ok: true, value: { res, body: undefined, facts: undefined, abort }, latencyMs };
    }
    let body: Buffer;
    try {
      body = await readBuffer(res);
    } catch (err) {
      stop();
      if (client.signal.aborted) throw fail('client_closed', {}, { cause: err });
      if (err instanceof TollgateError) throw err; // too large: no retry makes it smaller
      lastError = fail(timedOut ? 'upstream_timeout' : 'upstream_interrupted', {}, { cause: err });
      return { ok: false, failure: { status: timedOut ? 408 : undefined }, latencyMs };
    }
    stop();
    // An answer that is not valid JSON is the deployment's failure: another may answer properly.
    const facts = answerFacts(body);
    if (!facts) {
      lastError = fail('upstream_invalid_response');
      return { ok: false, failure: { status: 502 }, latencyMs };
    }
    return { ok: true, value: { res, body, facts, abort }, latencyMs };
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (client.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        client.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      client.signal.addEventListener('abort', done, { once: true });
    });

  let outcome;
  try {
    outcome = await callWithFailover(plan.model ?? '*', attempt, {
      deployments: plan.model === null ? router.anyModel : router.deployments,
      balancer: router.balancer,
      stats: router.stats,
      breakers: router.breakers,
      retry: router.retry,
      chain: plan.chain,
      requirements: plan.requirements,
      switchAfter: router.fallbackAfter,
      now: Date.now,
      sleep,
    });
  } finally {
    call.attempts = tried.length;
    call.deploymentsTried = tried.length > 0 ? tried.join(',') : null;
  }
  if (client.signal.aborted) {
    if (outcome.ok) outcome.value.abort.abort();
    throw fail('client_closed');
  }
  if (!outcome.ok) {
    call.upstreamStatus = lastStatus;
    if (tried.length === 0) throw fail('upstreams_unavailable', { model: call.modelRequested ?? 'any model' }, { headers: { 'retry-after': String(Math.max(1, Math.ceil(router.retryAfterMs(Date.now()) / 1000))) } });
    // A rate limit that outlasts the deadline is passed on as it is (with its Retry-After).
    if (outcome.reason === 'deadline' && lastError?.status !== 429) throw fail('upstream_deadline', { attempts: tried.length }, { cause: lastError });
    throw lastError ?? fail('upstream_unreachable');
  }
  const { res, body, facts, abort } = outcome.value;
  call.abort = abort;
  call.upstream = router.client(outcome.deployment);
  call.upstreamStatus = res.statusCode;
  const upstreamId = res.headers['x-request-id'];
  if (typeof upstreamId === 'string') call.upstreamRequestId = upstreamId;
  if (body === undefined) {
    call.reply = { kind: 'stream', status: res.statusCode, headers: passedHeaders(res.headers), body: res.body };
    return;
  }
  acceptJson(call, res.statusCode, res.headers, body, facts);
}

/** The request body for the model sent upstream: as it came when that is the model asked for, else with `model` replaced. */
function bodyFor(call: GatewayCall, model: string, cache: Map<string, string | Buffer | undefined>): string | Buffer | undefined {
  const raw = call.upstreamBody;
  if (raw === undefined || model === call.modelRequested) return raw;
  let body = cache.get(model);
  if (body === undefined) {
    const base = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : call.body;
    body = JSON.stringify({ ...base, model });
    cache.set(model, body);
  }
  return body;
}
