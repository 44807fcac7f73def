import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { TollgateError, errors } from '../http/errors.ts';
import { readUsage } from '../metering/usage-record.ts';
import type { Meter } from '../metering/meter.ts';
import { formatUsd } from '../metering/money.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import type { GatewayContext } from './request-context.ts';
import { relayStream, type StreamKind } from './sse-relay.ts';
import { passedHeaders, upstreamError } from './upstream-error.ts';

/** Largest non-streamed upstream body the gateway will hold in memory. */
const MAX_UPSTREAM_BODY = 64 * 1024 * 1024;

export interface ForwardPlan {
  method: 'GET' | 'POST';
  path: string;
  body?: string | Buffer | undefined;
  /** Set for streamed requests. */
  stream?: { kind: StreamKind; stripUsageChunk: boolean } | undefined;
  /** Rewrites a successful JSON body before it is sent (e.g. to filter the model list); rarely used. */
  transform?: ((body: unknown) => unknown) | undefined;
}

export interface ForwardDeps {
  upstream: UpstreamClient;
  meter: Meter | undefined;
  /** Records the request when a stream ends (streams bypass Fastify's onResponse). */
  finish: (ctx: GatewayContext, status: number) => void;
}

/**
 * The call-upstream stage: sends the request, relays the answer (buffered JSON or an SSE stream),
 * and fills the context with what the meter stage needs. A client that disconnects aborts the upstream call.
 */
export async function forward(req: FastifyRequest, reply: FastifyReply, ctx: GatewayContext, plan: ForwardPlan, deps: ForwardDeps): Promise<void> {
  if (reply.raw.destroyed) {
    // The client left before the call (e.g. while its budget was reserved): do not call the upstream for nobody.
    ctx.errorCode = 'client_closed';
    throw errors.upstream('client_closed', 'The client closed the connection.', 499);
  }
  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort();
  };
  reply.raw.once('close', onClose);

  let res: Dispatcher.ResponseData;
  try {
    res = await deps.upstream.request({ method: plan.method, path: plan.path, body: plan.body, signal: abort.signal });
  } catch (err) {
    reply.raw.off('close', onClose);
    if (abort.signal.aborted) {
      ctx.errorCode = 'client_closed';
      throw errors.upstream('client_closed', 'The client closed the connection.', 499, err);
    }
    throw unreachable(err);
  }
  ctx.upstreamStatus = res.statusCode;
  const upstreamId = res.headers['x-request-id'];
  if (typeof upstreamId === 'string') ctx.upstreamRequestId = upstreamId;

  if (res.statusCode >= 400) {
    const text = await readText(res);
    reply.raw.off('close', onClose);
    throw upstreamError(res.statusCode, text, res.headers, (s) => deps.upstream.redact(s));
  }

  if (plan.stream) {
    reply.hijack();
    try {
      await relayStream(res, reply.raw, {
        kind: plan.stream.kind,
        stripUsageChunk: plan.stream.stripUsageChunk,
        ctx,
        abort: () => abort.abort(),
        onChunk: deps.meter ? () => deps.meter!.keepAlive(ctx) : undefined,
        trailers: deps.meter ? { names: COST_HEADER, values: () => costHeader(deps.meter!, ctx) } : undefined,
        headers: { 'x-request-id': ctx.requestId, ...passedHeaders(res.headers) },
      });
    } finally {
      reply.raw.off('close', onClose);
      deps.finish(ctx, 200);
    }
    return;
  }

  let buf: Buffer;
  try {
    buf = await readBuffer(res);
  } catch (err) {
    if (err instanceof TollgateError) throw err;
    ctx.errorCode = abort.signal.aborted ? 'client_closed' : 'upstream_interrupted';
    throw errors.upstream(ctx.errorCode, 'The upstream response was interrupted.', 502, err);
  } finally {
    reply.raw.off('close', onClose);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw errors.upstream('upstream_invalid_response', 'The upstream returned a response that is not valid JSON.', 502, err);
  }
  const body = parsed as { model?: unknown; usage?: unknown; service_tier?: unknown };
  if (typeof body.model === 'string') ctx.modelServed = body.model;
  if (typeof body.service_tier === 'string') ctx.serviceTier = body.service_tier;
  ctx.usage = readUsage(body.usage);
  reply.code(res.statusCode).headers(passedHeaders(res.headers)).header('content-type', 'application/json');
  const cost = deps.meter ? costHeader(deps.meter, ctx) : undefined;
  if (cost) reply.headers(cost);
  await reply.send(plan.transform ? JSON.stringify(plan.transform(parsed)) : buf);
}

const COST_HEADER = 'x-tollgate-cost-usd';

/**
 * The cost header of a finished request (meters it: idempotent), or undefined when the cost is
 * unknown (a model without a price). Sent as a header, or as a trailer at the end of a stream.
 */
function costHeader(meter: Meter, ctx: GatewayContext): Record<string, string> | undefined {
  const total = meter.complete(ctx).cost?.total;
  return total === undefined || total === null ? undefined : { [COST_HEADER]: formatUsd(total) };
}

function unreachable(err: unknown) {
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return errors.upstream('upstream_timeout', 'The upstream did not answer in time.', 504, err);
  }
  return errors.upstream('upstream_unreachable', 'The upstream could not be reached.', 502, err);
}

async function readBuffer(res: Dispatcher.ResponseData): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPSTREAM_BODY) {
      res.body.destroy();
      throw errors.upstream('upstream_response_too_large', 'The upstream response is larger than the gateway accepts.');
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

async function readText(res: Dispatcher.ResponseData): Promise<string> {
  try {
    return (await readBuffer(res)).toString('utf8');
  } catch {
    return '';
  }
}
