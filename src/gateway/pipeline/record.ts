import type { Logger } from 'pino';
import type { RequestAuditWriter } from '../../compliance/index.ts';
import type { UsageLedger } from '../../metering/index.ts';
import { formatUsd } from '../../money/index.ts';
import { labelConstraints } from '../../guard/index.ts';
import { auditedContent } from './audit-capture.ts';
import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

/**
 * Stage 8: the one ledger row and the one log line of the call, for every outcome (served, refused
 * at any stage, upstream error, stream broken, client gone), written here and nowhere else. The line
 * has the fields of every request line (http/request-log.ts) and the gateway's own; no content.
 * With `audit` the call also goes into the audit log: at level `metadata` without content; at `full`
 * with the exchange (sealed by the writer), unless the request's label forbids content in audit records
 * (restricted data never goes there).
 */
export function recordStage(ledger: UsageLedger, log: Logger, audit?: RequestAuditWriter): Stage {
  return {
    name: 'record',
    always: true,
    run(call: GatewayCall) {
      const metering = call.metering;
      const cost = metering?.cost;
      const latency = Math.round(performance.now() - call.startedAt);
      const u = call.usage;
      const p = call.principal;
      ledger.record({
        request_id: call.requestId,
        created_at: call.receivedAt,
        key_id: p?.keyId ?? null,
        org_id: p?.orgId ?? null,
        team_id: p?.teamId ?? null,
        user_id: p?.userId ?? null,
        endpoint: call.endpoint,
        model_requested: call.modelRequested,
        model_served: call.modelServed,
        status: call.status,
        stream: call.stream ? 1 : 0,
        prompt_tokens: u?.prompt ?? 0,
        cached_tokens: u?.cached ?? 0,
        completion_tokens: u?.completion ?? 0,
        reasoning_tokens: u?.reasoning ?? 0,
        audio_in_tokens: u?.audioIn ?? 0,
        audio_out_tokens: u?.audioOut ?? 0,
        latency_ms: latency,
        upstream_request_id: call.upstreamRequestId,
        error_code: call.errorCode,
        service_tier: cost ? cost.tier : call.serviceTier,
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
        cache_status: call.cache?.status ?? null,
        cache_saved_nanos: call.cache?.savedNanos ?? 0,
        attempts: call.attempts,
        deployments_tried: call.deploymentsTried,
      });
      if (audit) {
        const full = audit.level === 'full' && p !== undefined;
        const allowed = full && (call.classification === undefined || labelConstraints(call.guard?.resolved.compiled, call.classification).auditContent);
        audit.record({
          at: call.receivedAt,
          actor: p ? (p.userId ?? p.keyId) : 'anonymous',
          orgId: p?.orgId ?? null,
          endpoint: call.endpoint,
          requestId: call.requestId,
          ip: call.ip,
          details: {
            status: call.status,
            key_id: p?.keyId ?? null,
            model_requested: call.modelRequested,
            model_served: call.modelServed,
            stream: call.stream,
            error_code: call.errorCode,
            cost_nanos: cost ? cost.total : null,
            classification: call.classification ?? null,
            ...(full && !allowed ? { content: 'classification' } : {}),
          },
          content: allowed ? auditedContent(call) : undefined,
          userId: p?.userId ?? null,
        });
      }
      log.info(
        {
          reqId: call.requestId,
          method: call.method,
          route: call.route,
          status: call.status,
          ms: latency,
          actor: p?.actor.userId ?? null,
          key: p?.keyPrefix,
          model: call.modelRequested,
          stream: call.stream || undefined,
          tokensIn: u?.prompt,
          tokensOut: u?.completion,
          costUsd: cost?.total != null ? formatUsd(cost.total) : undefined,
          estimated: metering?.estimated || undefined,
          error: call.errorCode ?? undefined,
          cache: call.cache?.status,
        },
        'request',
      );
    },
  };
}
