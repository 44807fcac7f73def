import type { Logger } from 'pino';
import type { KeyService } from '../../access/index.ts';
import type { UsageLedger } from '../../metering/index.ts';
import type { Meter } from '../../metering/index.ts';
import type { RateLimiter } from '../../traffic/rate-limit/index.ts';
import type { UpstreamClient } from '../../upstream/index.ts';
import { admitStage } from './admit.ts';
import { authenticateStage } from './authenticate.ts';
import { callStage } from './call.ts';
import { guardInStage } from './guard-in.ts';
import { guardOutStage } from './guard-out.ts';
import { limitsStage } from './limits.ts';
import { meterStage } from './meter.ts';
import { recordStage } from './record.ts';
import { routeStage } from './route.ts';
import type { Stage } from './stage.ts';

export interface StageDeps {
  log: Logger;
  keys: KeyService;
  upstream: UpstreamClient;
  ledger: UsageLedger;
  /** Budgets and cost; undefined when metering is off. */
  meter: Meter | undefined;
  bodyLimitBytes: number;
  /** Rate limits (requests, tokens, concurrency); undefined: none. */
  limiter?: RateLimiter | undefined;
}

/**
 * THE request path of the gateway, in order (docs/gateway.md has the diagram). A new capability is
 * a file in this folder and a line here; the runner (run-pipeline.ts) runs the list.
 */
export function createStages(deps: StageDeps): Stage[] {
  return [
    authenticateStage(deps.keys),
    admitStage({ keys: deps.keys, meter: deps.meter, bodyLimitBytes: deps.bodyLimitBytes, limiter: deps.limiter }),
    guardInStage(),
    routeStage(deps.upstream),
    callStage(),
    guardOutStage(),
    meterStage(deps.meter),
    limitsStage(),
    recordStage(deps.ledger, deps.log),
  ];
}
