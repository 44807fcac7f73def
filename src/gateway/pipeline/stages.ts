import type { Logger } from 'pino';
import type { KeyService } from '../../access/index.ts';
import type { UsageLedger } from '../../metering/index.ts';
import type { Meter } from '../../metering/index.ts';
import type { UpstreamClient, UpstreamRouter } from '../../upstream/index.ts';
import { admitStage } from './admit.ts';
import { authenticateStage } from './authenticate.ts';
import { callStage } from './call.ts';
import { failoverCallStage } from './call-failover.ts';
import { guardInStage } from './guard-in.ts';
import { guardOutStage } from './guard-out.ts';
import { meterStage } from './meter.ts';
import { recordStage } from './record.ts';
import { routeStage } from './route.ts';
import type { Stage } from './stage.ts';

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
}

/**
 * THE request path of the gateway, in order (docs/gateway.md has the diagram). A new capability is
 * a file in this folder and a line here; the runner (run-pipeline.ts) runs the list.
 */
export function createStages(deps: StageDeps): Stage[] {
  return [
    authenticateStage(deps.keys),
    admitStage({ keys: deps.keys, meter: deps.meter, bodyLimitBytes: deps.bodyLimitBytes }),
    guardInStage(),
    routeStage(deps.upstream, deps.router),
    deps.router ? failoverCallStage(deps.router) : callStage(),
    guardOutStage(),
    meterStage(deps.meter),
    recordStage(deps.ledger, deps.log),
  ];
}
