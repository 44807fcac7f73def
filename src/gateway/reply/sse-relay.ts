import type { Readable } from 'node:stream';
import { readUsage } from '../../metering/index.ts';
import type { GatewayCall } from '../pipeline/call-context.ts';
import type { CallSink } from '../pipeline/call-sink.ts';
import { eventBounds, payloadOf, type EventRange } from './sse-events.ts';

/** `chat`/`completions`: bare `data:` events, usage in the last chunk; `responses`: typed events, usage in response.completed. */
export type StreamKind = 'chat' | 'completions' | 'responses';

export interface RelayOptions {
  kind: StreamKind;
  /** Called for every upstream chunk (long streams renew their budget reservation). */
  onChunk?: (() => void) | undefined;
}

/** Largest single SSE event the relay holds while waiting for its end (OpenAI's are a few KB). */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;
/** Relayed text kept to bill a stream that ends without usage; past this, billing uses what was kept (documented). */
const MAX_KEPT_BYTES = 1 << 20;

const USAGE_NULL = Buffer.from('"usage":null');

/**
 * Relays an upstream SSE stream to the sink event by event, with backpressure (when the reader is
 * slow, the upstream is not read further). Bytes are forwarded as they came, without decoding or
 * re-encoding. Only the events that can carry what the gateway needs are parsed: the first (the
 * served model), those holding `usage` or an error, and on /v1/responses those holding the response
 * object; the others are checked for framing only (one JSON object per event). The usage chunk the
 * gateway asked for is dropped, and with it the `"usage":null` the upstream then adds to every chunk,
 * when the client did not ask for usage. Does not end the sink: the runner does, with the cost trailer.
 */
export async function relayStream(call: GatewayCall, body: Readable, sink: CallSink, opts: RelayOptions): Promise<void> {
  const strip = call.stripUsageChunk;
  let pending: Buffer | undefined;
  let sequence = 0;
  let kept: Buffer[] | undefined;
  let keptBytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      opts.onChunk?.();
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      const events = eventBounds(buf);
      const consumed = events.length === 0 ? 0 : events[events.length - 1]!.next;
      pending = consumed < buf.length ? buf.subarray(consumed) : undefined;
      if (pending && pending.length > MAX_EVENT_BYTES) {
        // An event that never ends would grow this buffer without bound: treat it as malformed.
        return fault(call, sink, opts.kind, 'upstream_malformed_chunk', 'The upstream sent a stream event larger than the gateway accepts; the stream was ended.', sequence + 1);
      }
      let out: Buffer[] | undefined; // undefined while every event passes through unchanged
      let from = 0;
      for (const range of events) {
        sequence++;
        const verdict = inspect(call, buf, range, opts.kind, strip);
        if (verdict === 'malformed') {
          if (out) out.push(buf.subarray(from, range.start));
          else if (range.start > 0) out = [buf.subarray(0, range.start)];
          if (out && !(await send(sink, Buffer.concat(out)))) return gone(call);
          return fault(call, sink, opts.kind, 'upstream_malformed_chunk', 'The upstream sent a malformed stream chunk; the stream was ended.', sequence);
        }
        if (verdict === 'text' && keptBytes < MAX_KEPT_BYTES) {
          const payload = payloadOf(buf, range);
          if (payload) {
            (kept ??= []).push(buf.subarray(payload.start, payload.end));
            keptBytes += payload.end - payload.start;
          }
        }
        const changed = verdict === 'drop' ? EMPTY : strip ? withoutNullUsage(buf, range) : undefined;
        if (changed === undefined) continue;
        out ??= [];
        out.push(buf.subarray(from, range.start), changed);
        from = range.next;
      }
      let toSend: Buffer;
      if (!out) toSend = consumed === buf.length ? buf : buf.subarray(0, consumed);
      else {
        out.push(buf.subarray(from, consumed));
        toSend = Buffer.concat(out);
      }
      if (toSend.length > 0 && !(await send(sink, toSend))) return gone(call);
    }
  } catch (err) {
    if (sink.closed) return gone(call);
    const timeout = (err as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT';
    const code = timeout ? 'upstream_stream_timeout' : 'upstream_interrupted';
    call.errorCode ??= code;
    await send(sink, errorEvent(opts.kind, code, timeout ? 'The upstream stopped sending; the stream was ended.' : 'The upstream stream was interrupted.', sequence + 1));
  } finally {
    if (!call.usage && kept) call.streamedText = textOf(kept, opts.kind);
  }
}

const EMPTY = Buffer.alloc(0);

type Verdict = 'forward' | 'text' | 'drop' | 'malformed';

/** What to do with one event; learns the served model, tier, usage and stream errors from the few it parses. */
function inspect(call: GatewayCall, buf: Buffer, range: EventRange, kind: StreamKind, strip: boolean): Verdict {
  const payload = payloadOf(buf, range);
  if (!payload) return 'forward'; // a comment or keep-alive
  const { start, end } = payload;
  if (end - start === 6 && buf.toString('latin1', start, end) === '[DONE]') return 'forward';
  const needed =
    call.modelServed === null ||
    hasUsage(buf, start, end) ||
    contains(buf, '"error"', start, end) ||
    (kind === 'responses' && contains(buf, '"response":{', start, end));
  if (!needed) {
    // Framing only: one JSON object per event, as the OpenAI API sends.
    if (buf[start] !== 0x7b /* { */ || buf[lastNonSpace(buf, start, end)] !== 0x7d /* } */) return 'malformed';
    return 'text';
  }
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(buf.toString('utf8', start, end)) as Record<string, unknown>;
  } catch {
    return 'malformed';
  }
  if (obj === null || typeof obj !== 'object') return 'malformed';
  if (kind === 'responses') {
    const response = obj.response as Record<string, unknown> | undefined;
    if (response && typeof response === 'object') {
      if (typeof response.model === 'string') call.modelServed = response.model;
      if (typeof response.service_tier === 'string') call.serviceTier = response.service_tier;
      if (response.usage) call.usage = readUsage(response.usage) ?? call.usage;
    }
    if (obj.type === 'error' || obj.type === 'response.failed') call.errorCode ??= 'upstream_stream_error';
    return obj.type === 'response.output_text.delta' ? 'text' : 'forward';
  }
  if (call.modelServed === null && typeof obj.model === 'string') call.modelServed = obj.model;
  if (typeof obj.service_tier === 'string') call.serviceTier = obj.service_tier;
  if (obj.error) call.errorCode ??= 'upstream_stream_error';
  if (obj.usage && typeof obj.usage === 'object') {
    call.usage = readUsage(obj.usage);
    if (strip && Array.isArray(obj.choices) && obj.choices.length === 0) return 'drop';
  }
  return 'text';
}

/** Whether the payload holds a `"usage"` that is not `null`. */
function hasUsage(buf: Buffer, start: number, end: number): boolean {
  let at = buf.indexOf('"usage"', start, 'latin1');
  while (at !== -1 && at < end) {
    let i = at + 7;
    while (i < end && (buf[i] === 0x20 || buf[i] === 0x3a)) i++;
    if (buf[i] !== 0x6e /* n(ull) */) return true;
    at = buf.indexOf('"usage"', i, 'latin1');
  }
  return false;
}

function contains(buf: Buffer, needle: string, start: number, end: number): boolean {
  const at = buf.indexOf(needle, start, 'latin1');
  return at !== -1 && at < end;
}

function lastNonSpace(buf: Buffer, start: number, end: number): number {
  let i = end - 1;
  while (i > start && (buf[i] === 0x20 || buf[i] === 0x0d || buf[i] === 0x0a || buf[i] === 0x09)) i--;
  return i;
}

/** The event without the `"usage":null` the upstream adds to every chunk once usage is asked for; undefined when it has none. */
function withoutNullUsage(buf: Buffer, range: EventRange): Buffer | undefined {
  const at = buf.indexOf(USAGE_NULL, range.start);
  if (at === -1 || at >= range.next) return undefined;
  let from = at;
  let to = at + USAGE_NULL.length;
  if (buf[from - 1] === 0x2c /* , */) from--;
  else if (buf[to] === 0x2c) to++;
  return Buffer.concat([buf.subarray(range.start, from), buf.subarray(to, range.next)]);
}

/** The text the kept events relayed (only read when a stream ended without usage). */
function textOf(kept: Buffer[], kind: StreamKind): string {
  let text = '';
  for (const payload of kept) {
    let obj: { choices?: { delta?: { content?: unknown }; text?: unknown }[]; type?: unknown; delta?: unknown };
    try {
      obj = JSON.parse(payload.toString('utf8')) as typeof obj;
    } catch {
      continue;
    }
    if (kind === 'responses') {
      if (obj.type === 'response.output_text.delta' && typeof obj.delta === 'string') text += obj.delta;
      continue;
    }
    for (const choice of obj.choices ?? []) {
      const t = choice?.delta?.content ?? choice?.text;
      if (typeof t === 'string') text += t;
    }
  }
  return text;
}

function errorEvent(kind: StreamKind, code: string, message: string, sequence: number): string {
  if (kind === 'responses') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null, sequence_number: sequence })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code } })}\n\n`;
}

async function fault(call: GatewayCall, sink: CallSink, kind: StreamKind, code: string, message: string, sequence: number): Promise<void> {
  call.errorCode = code;
  await send(sink, errorEvent(kind, code, message, sequence));
  call.abort?.abort();
}

function gone(call: GatewayCall): void {
  call.errorCode ??= 'client_closed';
  call.abort?.abort();
}

/** Writes and waits for the reader to drain when its buffer is full; false when the reader is gone. */
async function send(sink: CallSink, data: Buffer | string): Promise<boolean> {
  if (sink.closed) return false;
  if (sink.write(data)) return true;
  return sink.drained();
}
