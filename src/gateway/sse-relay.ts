import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { readUsage } from '../metering/usage-record.ts';
import type { GatewayContext } from './request-context.ts';

/** `chat`/`completions`: bare `data:` events, usage in the last chunk; `responses`: typed events, usage in response.completed. */
export type StreamKind = 'chat' | 'completions' | 'responses';

export interface RelayOptions {
  kind: StreamKind;
  /** Drop the usage-only chunk: the gateway asked for it, the client did not. */
  stripUsageChunk: boolean;
  ctx: GatewayContext;
  /** Aborts the upstream request (client went away, or the stream is broken). */
  abort: () => void;
  headers: Record<string, string>;
  /** Called for every upstream chunk (long streams renew their budget reservation). */
  onChunk?: (() => void) | undefined;
  /**
   * HTTP trailers to send when the stream ends (computed then: the cost is known only at the end).
   * Their names are declared in the `Trailer` header up front.
   */
  trailers?: { names: string; values: () => Record<string, string> | undefined } | undefined;
}

const EVENT_END = /\r?\n\r?\n/;
/** Largest single SSE event the relay holds while waiting for its end (OpenAI's are a few KB). */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/**
 * Relays an upstream SSE stream to the client event by event, with backpressure: when the client
 * reads slowly, the upstream is not read further. Each event is parsed once, to learn usage and the
 * served model and to catch malformed chunks; forwarded bytes are the upstream's own.
 */
export async function relayStream(upstream: Dispatcher.ResponseData, res: ServerResponse, opts: RelayOptions): Promise<void> {
  const { ctx } = opts;
  res.writeHead(200, {
    ...opts.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    ...(opts.trailers ? { trailer: opts.trailers.names } : {}),
  });
  res.flushHeaders();

  const decoder = new TextDecoder();
  let pending = '';
  let sequence = 0;
  try {
    for await (const chunk of upstream.body) {
      opts.onChunk?.();
      pending += decoder.decode(chunk as Buffer, { stream: true });
      const parts = pending.split(EVENT_END);
      pending = parts.pop() ?? '';
      if (pending.length > MAX_EVENT_CHARS) {
        // An event that never ends would grow this buffer without bound: treat it as malformed.
        ctx.errorCode = 'upstream_malformed_chunk';
        await write(res, errorEvent(opts.kind, 'upstream_malformed_chunk', 'The upstream sent a stream event larger than the gateway accepts; the stream was ended.', sequence + 1));
        opts.abort();
        return;
      }
      let out = '';
      for (const event of parts) {
        if (event === '') continue;
        const verdict = inspect(event, opts);
        sequence++;
        if (verdict === 'malformed') {
          ctx.errorCode = 'upstream_malformed_chunk';
          out += errorEvent(opts.kind, 'upstream_malformed_chunk', 'The upstream sent a malformed stream chunk; the stream was ended.', sequence);
          await write(res, out);
          opts.abort();
          return;
        }
        if (verdict === 'forward') out += event + '\n\n';
      }
      if (out !== '' && !(await write(res, out))) {
        ctx.errorCode ??= 'client_closed';
        opts.abort();
        return;
      }
    }
  } catch (err) {
    if (res.destroyed || res.writableEnded) {
      ctx.errorCode ??= 'client_closed';
    } else {
      const code = (err as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT' ? 'upstream_stream_timeout' : 'upstream_interrupted';
      ctx.errorCode ??= code;
      const message = code === 'upstream_stream_timeout' ? 'The upstream stopped sending; the stream was ended.' : 'The upstream stream was interrupted.';
      await write(res, errorEvent(opts.kind, code, message, sequence + 1));
    }
  } finally {
    if (!res.writableEnded && !res.destroyed) {
      const trailers = opts.trailers?.values();
      if (trailers) res.addTrailers(trailers);
      res.end();
    }
  }
}

type Verdict = 'forward' | 'drop' | 'malformed';

function inspect(event: string, opts: RelayOptions): Verdict {
  const data = dataOf(event);
  if (data === undefined || data === '[DONE]') return 'forward';
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return 'malformed';
  }
  if (obj === null || typeof obj !== 'object') return 'malformed';
  const { ctx } = opts;
  if (opts.kind === 'responses') {
    const response = obj.response as Record<string, unknown> | undefined;
    if (response && typeof response === 'object') {
      if (typeof response.model === 'string') ctx.modelServed = response.model;
      if (typeof response.service_tier === 'string') ctx.serviceTier = response.service_tier;
      if (response.usage) ctx.usage = readUsage(response.usage) ?? ctx.usage;
    } else if (obj.type === 'response.output_text.delta' && typeof obj.delta === 'string') {
      keepText(ctx, obj.delta);
    }
    if (obj.type === 'error' || obj.type === 'response.failed') ctx.errorCode ??= 'upstream_stream_error';
    return 'forward';
  }
  if (ctx.modelServed === null && typeof obj.model === 'string') ctx.modelServed = obj.model;
  if (typeof obj.service_tier === 'string') ctx.serviceTier = obj.service_tier;
  if (obj.error) ctx.errorCode ??= 'upstream_stream_error';
  if (Array.isArray(obj.choices)) {
    for (const choice of obj.choices as { delta?: { content?: unknown }; text?: unknown }[]) {
      const text = choice?.delta?.content ?? choice?.text;
      if (typeof text === 'string') keepText(ctx, text);
    }
  }
  if (obj.usage && typeof obj.usage === 'object') {
    ctx.usage = readUsage(obj.usage);
    if (opts.stripUsageChunk && Array.isArray(obj.choices) && obj.choices.length === 0) return 'drop';
  }
  return 'forward';
}

/** Enough text to bill an interrupted stream; past this, billing uses what was kept (documented). */
const MAX_KEPT_TEXT = 1 << 20;

function keepText(ctx: GatewayContext, text: string): void {
  if (ctx.streamedText.length < MAX_KEPT_TEXT) ctx.streamedText += text;
}

/** The joined `data:` lines of one SSE event, or undefined when it has none (comments, keep-alives). */
function dataOf(event: string): string | undefined {
  let data: string | undefined;
  for (const line of event.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value.trimEnd() : `${data}\n${value.trimEnd()}`;
  }
  return data;
}

function errorEvent(kind: StreamKind, code: string, message: string, sequence: number): string {
  if (kind === 'responses') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null, sequence_number: sequence })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code } })}\n\n`;
}

/** Writes and waits for the client to drain if its buffer is full; false when the client is gone. */
async function write(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(text)) return true;
  const settled = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: settled.signal }), once(res, 'close', { signal: settled.signal })]);
  } finally {
    settled.abort();
  }
  return !res.destroyed;
}
