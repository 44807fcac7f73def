import type { AuditedContent } from '../../compliance/index.ts';
import type { GatewayCall } from './call-context.ts';
import { ForwardingSink, type CallSink } from './call-sink.ts';
import type { Stage } from './stage.ts';

/** Characters of each side (request, answer) a `full` audit record keeps; the rest is cut (and marked). */
export const AUDITED_CONTENT_CHARS = 64 * 1024;

/**
 * Audit level `full`, first stage: puts a sink in front of the call's that keeps a copy of the answer
 * as the client gets it (a JSON body or the stream's events, after guard-out), up to
 * AUDITED_CONTENT_CHARS. The record stage reads it with auditedContent.
 */
export function auditCaptureStage(): Stage {
  return {
    name: 'audit-capture',
    run(call: GatewayCall) {
      call.sink = new CapturingSink(call.sink);
    },
  };
}

/** The exchange a `full` audit record keeps: the request as sent upstream, the answer as captured. */
export function auditedContent(call: GatewayCall): AuditedContent | undefined {
  const sink = findCapture(call.sink);
  if (!sink) return undefined;
  const sent = call.upstreamBody;
  const request = sent === undefined ? null : typeof sent === 'string' ? sent : sent.toString('utf8');
  const response = sink.text();
  return {
    request: request === null ? null : request.slice(0, AUDITED_CONTENT_CHARS),
    response,
    truncated: sink.truncated || (request !== null && request.length > AUDITED_CONTENT_CHARS),
  };
}

function findCapture(sink: CallSink): CapturingSink | undefined {
  for (let s: CallSink | undefined = sink; s; s = s instanceof ForwardingSink ? s.next : undefined) {
    if (s instanceof CapturingSink) return s;
  }
  return undefined;
}

/** Passes the answer on and keeps the start of it (bounded), for the audit record. */
class CapturingSink extends ForwardingSink {
  private readonly parts: string[] = [];
  private chars = 0;
  truncated = false;

  override write(chunk: Buffer | string): boolean {
    this.keep(chunk);
    return this.inner.write(chunk);
  }

  override end(body?: Buffer | string, trailers?: Record<string, string>): void {
    if (body !== undefined) this.keep(body);
    this.inner.end(body, trailers);
  }

  /** What was kept, or null when nothing was written. */
  text(): string | null {
    return this.parts.length === 0 ? null : this.parts.join('');
  }

  private keep(chunk: Buffer | string): void {
    const room = AUDITED_CONTENT_CHARS - this.chars;
    if (room <= 0) {
      this.truncated ||= chunk.length > 0;
      return;
    }
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8', 0, Math.min(chunk.length, room * 4));
    const kept = text.length > room ? text.slice(0, room) : text;
    if (kept.length < text.length || (typeof chunk !== 'string' && chunk.length > room * 4)) this.truncated = true;
    this.parts.push(kept);
    this.chars += kept.length;
  }
}
