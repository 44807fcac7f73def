import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

/**
 * Ends what the rate limiter gave the call, for every outcome (served, refused later, upstream error,
 * stream broken, client gone): the tokens estimate is corrected to the usage metered (or given back
 * when nothing was used) and the concurrency slot is freed. Runs after the answer is finished, so a
 * counters round trip never delays the client.
 */
export function limitsStage(): Stage {
  return {
    name: 'limits',
    always: true,
    run(call: GatewayCall) {
      const admission = call.rateLimit;
      if (admission === undefined) return;
      const u = call.usage;
      return u ? admission.settle(u.prompt + u.completion) : admission.release();
    },
  };
}
