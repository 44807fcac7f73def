import type { Logger } from 'pino';
import type { UsageLedger } from '../metering/ledger.ts';
import type { GatewayContext } from './request-context.ts';

/**
 * The record stage: one ledger row and one log line per /v1 request, exactly once, whatever way
 * the request ended (answered, failed, streamed, interrupted). No message content is logged.
 */
export function makeRecorder(ledger: UsageLedger, log: Logger) {
  return function record(ctx: GatewayContext, status: number): void {
    if (ctx.recorded) return;
    ctx.recorded = true;
    const latency = Math.round(performance.now() - ctx.startedAt);
    const u = ctx.usage;
    ledger.record({
      request_id: ctx.requestId,
      created_at: ctx.receivedAt,
      key_id: ctx.principal?.keyId ?? null,
      endpoint: ctx.endpoint,
      model_requested: ctx.modelRequested,
      model_served: ctx.modelServed,
      status,
      stream: ctx.stream ? 1 : 0,
      prompt_tokens: u?.prompt ?? 0,
      cached_tokens: u?.cached ?? 0,
      completion_tokens: u?.completion ?? 0,
      reasoning_tokens: u?.reasoning ?? 0,
      latency_ms: latency,
      upstream_request_id: ctx.upstreamRequestId,
      error_code: ctx.errorCode,
    });
    log.info(
      {
        reqId: ctx.requestId,
        key: ctx.principal?.keyPrefix,
        endpoint: ctx.endpoint,
        model: ctx.modelRequested,
        status,
        ms: latency,
        stream: ctx.stream || undefined,
        tokensIn: u?.prompt,
        tokensOut: u?.completion,
        error: ctx.errorCode ?? undefined,
      },
      'request',
    );
  };
}

export type Recorder = ReturnType<typeof makeRecorder>;
