import type { Logger } from 'pino';
import type { UsageLedger } from '../metering/ledger.ts';
import type { Meter } from '../metering/meter.ts';
import { formatUsd } from '../metering/money.ts';
import type { GatewayContext } from './request-context.ts';

/**
 * The meter and record stages: cost and budget settlement, then one ledger row and one log line per
 * /v1 request, exactly once, whatever way the request ended. The line has the fields of every
 * request line (http/request-log.ts) and the gateway's own; no message content is logged.
 */
export function makeRecorder(ledger: UsageLedger, log: Logger, meter: Meter | undefined) {
  return function record(ctx: GatewayContext, status: number): void {
    if (ctx.recorded) return;
    ctx.recorded = true;
    const metering = meter?.complete(ctx);
    const cost = metering?.cost;
    const latency = Math.round(performance.now() - ctx.startedAt);
    const u = ctx.usage;
    ledger.record({
      request_id: ctx.requestId,
      created_at: ctx.receivedAt,
      key_id: ctx.principal?.keyId ?? null,
      org_id: ctx.principal?.orgId ?? null,
      team_id: ctx.principal?.teamId ?? null,
      user_id: ctx.principal?.userId ?? null,
      endpoint: ctx.endpoint,
      model_requested: ctx.modelRequested,
      model_served: ctx.modelServed,
      status,
      stream: ctx.stream ? 1 : 0,
      prompt_tokens: u?.prompt ?? 0,
      cached_tokens: u?.cached ?? 0,
      completion_tokens: u?.completion ?? 0,
      reasoning_tokens: u?.reasoning ?? 0,
      audio_in_tokens: u?.audioIn ?? 0,
      audio_out_tokens: u?.audioOut ?? 0,
      latency_ms: latency,
      upstream_request_id: ctx.upstreamRequestId,
      error_code: ctx.errorCode,
      service_tier: cost ? cost.tier : ctx.serviceTier,
      cost_nanos: cost ? cost.total : u ? null : 0,
      cost_input_nanos: cost?.input ?? 0,
      cost_cached_nanos: cost?.cached ?? 0,
      cost_cache_write_nanos: cost?.cacheWrite ?? 0,
      cost_output_nanos: cost?.output ?? 0,
      cost_reasoning_nanos: cost?.reasoning ?? 0,
      cost_audio_nanos: cost?.audio ?? 0,
      cost_tier_discount_nanos: cost?.tierDiscount ?? 0,
      estimated: metering?.estimated ? 1 : 0,
      budget_periods: metering?.reservation ? metering.reservation.periods.join(',') || null : null,
    });
    log.info(
      {
        reqId: ctx.requestId,
        method: ctx.method,
        route: ctx.route,
        status,
        ms: latency,
        actor: ctx.principal?.actor.userId ?? null,
        key: ctx.principal?.keyPrefix,
        model: ctx.modelRequested,
        stream: ctx.stream || undefined,
        tokensIn: u?.prompt,
        tokensOut: u?.completion,
        costUsd: cost?.total != null ? formatUsd(cost.total) : undefined,
        estimated: metering?.estimated || undefined,
        error: ctx.errorCode ?? undefined,
      },
      'request',
    );
  };
}

export type Recorder = ReturnType<typeof makeRecorder>;
