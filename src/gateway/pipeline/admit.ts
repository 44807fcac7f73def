import { admitKeyUse, type KeyService } from '../../access/index.ts';
import type { Principal } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { parseJsonBody } from '../../http/index.ts';
import { estimatePromptTokens, maxOutputTokensOf, type EstimateEndpoint, type Meter } from '../../metering/index.ts';
import type { RateLimiter } from '../../traffic/rate-limit/index.ts';
import type { GatewayBody } from '../body-schemas.ts';
import { checkModelName } from '../model-name.ts';
import { validateBody } from '../validate-body.ts';
import { readRequestBody } from './request-body.ts';
import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

export interface AdmitDeps {
  keys: KeyService;
  /** Budgets and cost; undefined when metering is off. */
  meter: Meter | undefined;
  bodyLimitBytes: number;
  /** Rate limits; undefined or inactive (no limit anywhere): nothing is done per request. */
  limiter?: RateLimiter | undefined;
}

/**
 * Stage 2: may this caller make this call, now? The endpoint exists (404 after authentication, so
 * the row names the caller), the key's address and endpoint scopes allow it, the key may call /v1;
 * then the body is read, parsed and checked (model name and scope, stream options), and the worst
 * case cost is reserved on every budget that applies. Rate limits are checked before the budgets (a
 * request refused by a limit reserves nothing).
 */
export function admitStage(deps: AdmitDeps): Stage {
  return {
    name: 'admit',
    run(call: GatewayCall) {
      const target = call.target;
      if (!target) throw fail('unknown_url', { method: call.method, path: call.endpoint });
      const principal = call.principal!;
      admitKeyUse(principal, call.ip, target.scope);
      if (!principal.gatewayAllowed) throw fail('permission_denied', { what: "perform 'gateway.call'" });
      deps.keys.touch(principal, call.ip);

      if (target.method === 'GET') {
        if (call.pathParam !== undefined) {
          checkModelName(call.pathParam);
          call.modelRequested = call.pathParam;
          admitModel(principal, call.pathParam);
        }
        return;
      }
      if (call.rawBody !== undefined) return admitBody(call, deps);
      return readRequestBody(call, deps.bodyLimitBytes).then((raw) => {
        call.rawBody = raw;
        return admitBody(call, deps);
      });
    },
  };
}

/** Checks the body and reserves its worst case on the budgets (the only asynchronous part when budgets apply). */
function admitBody(call: GatewayCall, deps: AdmitDeps): void | Promise<void> {
  const target = call.target!;
  const parsed = parseJsonBody(call.rawBody!);
  // Known before validation, so the ledger row of a refused request still says it asked for a stream.
  const streaming = target.streamKind !== undefined && parsed !== null && (parsed as { stream?: unknown }).stream === true;
  call.stream = streaming;
  // Before the other fields: the ledger row of an otherwise invalid request says which model it
  // asked for (a refused name is stored nowhere).
  const asked = parsed !== null ? (parsed as { model?: unknown }).model : undefined;
  if (typeof asked === 'string') {
    checkModelName(asked);
    call.modelRequested = asked;
  }
  const body = validateBody(target.schema!, parsed) as GatewayBody;
  const model = body.model ?? target.defaultModel ?? null;
  call.modelRequested = model;
  if (model !== null) admitModel(call.principal!, model);
  call.body = body as Record<string, unknown>;
  call.upstreamBody = call.rawBody;
  if (streaming && target.usageChunk && body.stream_options?.include_usage !== true) {
    // Ask the upstream for usage so streamed requests are metered; the extra chunk is stripped.
    call.stripUsageChunk = true;
    call.upstreamBody = JSON.stringify({ ...body, stream_options: { ...body.stream_options, include_usage: true } });
  }
  const limiter = deps.limiter;
  if (limiter !== undefined && model !== null && limiter.active) {
    const p = call.principal!;
    const subject = { keyId: p.keyId, userId: p.userId, teamId: p.teamId, orgId: p.orgId };
    return limiter.admit(subject, model, estimateTokens(call.endpoint, call.body, model)).then((admission) => {
      call.rateLimit = admission;
      if (deps.meter) return deps.meter.reserve(call);
    });
  }
  if (deps.meter) return deps.meter.reserve(call);
}

const ESTIMATED = new Set<string>(['/v1/chat/completions', '/v1/responses', '/v1/completions', '/v1/embeddings', '/v1/moderations']);

/** Tokens-per-minute estimate at admission: the prompt counted locally plus the output cap asked for. */
function estimateTokens(endpoint: string, body: Record<string, unknown>, model: string): number {
  if (!ESTIMATED.has(endpoint)) return 0;
  const e = endpoint as EstimateEndpoint;
  return estimatePromptTokens(e, body, model) + (maxOutputTokensOf(e, body) ?? 0);
}

/** A key limited to some models may call only those. */
function admitModel(principal: Principal, model: string): void {
  if (principal.allowedModels && !principal.allowedModels.allows(model)) throw fail('model_not_allowed', { model }, { param: 'model' });
}
