import type { Meter } from '../../metering/index.ts';
import type { GatewayCall } from './call-context.ts';
import { settleCache } from './route-cache.ts';
import type { Stage } from './stage.ts';

/**
 * Stage 7: usage → cost → budget settlement (or release, when the upstream never accepted the
 * call). Runs once for every outcome, before the answer is finished (its cost is the
 * `x-tollgate-cost-usd` header, or the trailer of a stream).
 */
export function meterStage(meter: Meter | undefined): Stage {
  return {
    name: 'meter',
    always: true,
    beforeFinish: true,
    run(call: GatewayCall) {
      meter?.complete(call);
      settleCache(call);
    },
  };
}
