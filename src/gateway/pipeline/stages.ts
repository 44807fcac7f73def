import type { Logger } from 'pino';
import type { KeyService } from '../../access/index.ts';
import type { GuardPolicies } from '../../guard/index.ts';
import type { UsageLedger } from '../../metering/index.ts';
import type { Meter } from '../../metering/index.ts';
import type { ResponseCache } from '../../traffic/cache/index.ts';
import type { Store } from '../../state/index.ts';
import type { UpstreamClient, UpstreamRouter } from '../../upstream/index.ts';
import type { RateLimiter } from '../../traffic/rate-limit/index.ts';
import { admitStage } from './admit.ts';
import { auditCaptureStage } from './audit-capture.ts';
import { authenticateStage } from './authenticate.ts';
import { callStage } from './call.ts';
import { failoverCallStage } from './call-failover.ts';
import { guardInStage } from './guard-in.ts';
import { guardOutStage } from './guard-out.ts';
import { limitsStage } from './limits.ts';
import { meterStage } from './meter.ts';
import { recordStage } from './record.ts';
import { routeStage } from './route.ts';
import { placedModerators, upstreamModerator } from './upstream-moderator.ts';
import type { Stage } from './stage.ts';
import type { RequestAuditWriter } from '../../compliance/index.ts';

export interface StageDeps {
  log: Logger;
  keys: KeyService;
  upstream: UpstreamClient;
  /** Deployments, aliases, fallbacks (tollgate.yaml's upstream.deployments); undefined: the one upstream above. */
  router?: UpstreamRouter | undefined;
  ledger: UsageLedger;
  /** Budgets and cost; undefined when metering is off. */
  meter: Meter | undefined;
  bodyLimitBytes: number;
  /** The response cache; undefined when it is off. */
  responseCache?: ResponseCache | undefined;
  /** Where /v1 requests go into the audit log; undefined at audit level `none` (at `full` a first stage keeps a copy of each answer). */
  requestAudit?: RequestAuditWriter | undefined;
  /** Guardrail policies (guard-in, guard-out) and the store their audit records go to. */
  guard: { policies: GuardPolicies; store: Store };
  /** Rate limits (requests, tokens, concurrency); undefined: none. */
  limiter?: RateLimiter | undefined;
}

/**
 * THE request path of the gateway, in order (docs/gateway.md has the diagram). A new capability is
 * a file in this folder and a line here; the runner (run-pipeline.ts) runs the list.
 */
export function createStages(deps: StageDeps): Stage[] {
  const moderator = upstreamModerator(deps.upstream);
  const placedModerator = placedModerators(deps.router);
  return [
    ...(deps.requestAudit?.level === 'full' ? [auditCaptureStage()] : []),
    authenticateStage(deps.keys),
    admitStage({ keys: deps.keys, meter: deps.meter, bodyLimitBytes: deps.bodyLimitBytes, limiter: deps.limiter }),
    guardInStage({ ...deps.guard, log: deps.log, moderator, placedModerator }),
    routeStage(deps.upstream, deps.router, deps.responseCache, { store: deps.guard.store, log: deps.log }),
    deps.router ? failoverCallStage(deps.router) : callStage(),
    guardOutStage({ ...deps.guard, log: deps.log, moderator, placedModerator }),
    meterStage(deps.meter),
    limitsStage(),
    recordStage(deps.ledger, deps.log, deps.requestAudit),
  ];
}
