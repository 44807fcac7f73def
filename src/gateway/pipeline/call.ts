import type { Dispatcher } from 'undici';
import type { ModelMatcher } from '../../access/index.ts';
import { fail, TollgateError } from '../../errors/index.ts';
import { answerFacts, type AnswerFacts } from '../reply/json-reply.ts';
import { passedHeaders, upstreamError } from '../upstream-error.ts';
import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

/** Largest non-streamed upstream body the gateway will hold in memory. */
const MAX_UPSTREAM_BODY = 64 * 1024 * 1024;

/**
 * Stage 5: the upstream call. Sends the request to the deployment `route` chose and leaves its
 * answer on the call (a JSON body, or an SSE stream not yet read) for guard-out and the runner. A
 * client that goes away aborts the upstream request; the upstream's own errors are relayed in
 * OpenAI's shape (its key never shown). With deployments configured, call-failover.ts is this stage instead,
 * with retries, fallbacks and circuit breakers.
 */
export function callStage(): Stage {
  return {
    name: 'call',
    run(call: GatewayCall) {
      if (call.reply) return; // answered by route (a cache hit)
      const upstream = call.upstream!;
      if (call.sink.closed) throw fail('client_closed');
      const abort = (call.abort = new AbortController());
      call.sink.onClose(() => abort.abort());
      const target = call.target!;
      const path = call.pathParam === undefined ? target.route.slice(3) : `/models/${encodeURIComponent(call.pathParam)}`;
      call.attempts = 1;
      return upstream.request({ method: target.method, path, body: call.upstreamBody, signal: abort.signal }).then(
        (res) => received(call, res),
        (err: unknown) => {
          throw abort.signal.aborted ? fail('client_closed', {}, { cause: err }) : unreachable(err);
        },
      );
    },
  };
}

async function received(call: GatewayCall, res: Dispatcher.ResponseData): Promise<void> {
  call.upstreamStatus = res.statusCode;
  const upstreamId = res.headers['x-request-id'];
  if (typeof upstreamId === 'string') call.upstreamRequestId = upstreamId;
  if (res.statusCode >= 400) {
    const text = await readBuffer(res).then((b) => b.toString('utf8'), () => '');
    throw upstreamError(res.statusCode, text, res.headers, (s) => call.upstream!.redact(s));
  }
  if (call.stream) {
    call.reply = { kind: 'stream', status: res.statusCode, headers: passedHeaders(res.headers), body: res.body };
    return;
  }
  let body: Buffer;
  try {
    body = await readBuffer(res);
  } catch (err) {
    if (err instanceof TollgateError) throw err;
    throw fail(call.abort?.signal.aborted ? 'client_closed' : 'upstream_interrupted', {}, { cause: err });
  }
  acceptJson(call, res.statusCode, res.headers, body);
}

/** A JSON answer read whole: the model served, its tier and usage, and the reply to send. */
export function acceptJson(call: GatewayCall, status: number, headers: Dispatcher.ResponseData['headers'], body: Buffer, known?: AnswerFacts): void {
  const filter = call.target?.route === '/v1/models' ? call.principal?.allowedModels : undefined;
  if (filter) body = onlyAllowed(body, filter);
  const facts = known && !filter ? known : answerFacts(body);
  if (!facts) throw fail('upstream_invalid_response');
  call.modelServed = facts.model;
  call.serviceTier = facts.serviceTier;
  call.usage = facts.usage;
  call.reply = { kind: 'json', status, headers: passedHeaders(headers), body };
}

/** The model list of a key limited to some models: only those. */
function onlyAllowed(body: Buffer, allowed: ModelMatcher): Buffer {
  let list: { data?: { id: string }[] };
  try {
    list = JSON.parse(body.toString('utf8')) as typeof list;
  } catch {
    throw fail('upstream_invalid_response');
  }
  return Buffer.from(JSON.stringify({ ...list, data: (list.data ?? []).filter((m) => allowed.allows(m.id)) }));
}

export function unreachable(err: unknown): TollgateError {
  if (err instanceof TollgateError) return err;
  const code = (err as { code?: string }).code;
  return fail(code === 'UND_ERR_HEADERS_TIMEOUT' ? 'upstream_timeout' : 'upstream_unreachable', {}, { cause: err });
}

export async function readBuffer(res: Dispatcher.ResponseData): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPSTREAM_BODY) {
      res.body.destroy();
      throw fail('upstream_response_too_large');
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
