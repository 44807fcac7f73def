import type { ResponseCache } from '../../traffic/cache/index.ts';
import type { UpstreamClient } from '../../upstream/index.ts';
import type { GatewayCall } from './call-context.ts';
import { lookupCache } from './route-cache.ts';
import type { Stage } from './stage.ts';

/**
 * Stage 4: where the call goes. Today one upstream serves every model; deployments, aliases,
 * balancing and the response cache (a hit sets `call.reply` and the call stage is skipped) fill
 * this stage.
 */
export function routeStage(upstream: UpstreamClient, cache?: ResponseCache): Stage {
  return {
    name: 'route',
    run(call: GatewayCall) {
      call.upstream = upstream;
      return lookupCache(call, cache);
    },
  };
}
