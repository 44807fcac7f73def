import { fail } from '../../errors/index.ts';
import type { ResponseCache } from '../../traffic/cache/index.ts';
import type { UpstreamClient, UpstreamRouter } from '../../upstream/index.ts';
import type { GatewayCall } from './call-context.ts';
import { lookupCache } from './route-cache.ts';
import { boundLabel, placementAllowed, refuseByClassification, requirementsOf, type ClassificationDeps } from './route-classification.ts';
import type { Stage } from './stage.ts';

/**
 * Stage 4: where the call goes. Without deployments one upstream serves every model. With
 * deployments: the model alias is resolved, the fallback chain looked up, and a call is refused at
 * once when no deployment serves the model (404) or every one that does has an open circuit (503
 * with Retry-After); the call stage's balancer then picks per attempt. Last, the response cache
 * (route-cache.ts): a hit sets `call.reply` and the call stage is skipped. A call with a sensitivity
 * label (route-classification.ts) goes only to deployments its label permits (fallbacks too), is
 * refused with 403 `classification_not_permitted` when none does, and skips the cache where the label
 * forbids it (restricted always).
 */
export function routeStage(upstream: UpstreamClient, router?: UpstreamRouter, cache?: ResponseCache, classification?: ClassificationDeps): Stage {
  if (!router) {
    return {
      name: 'route',
      run(call: GatewayCall) {
        call.upstream = upstream;
        const bound = call.classification === undefined ? undefined : boundLabel(call);
        if (bound && classification && !placementAllowed(bound, undefined, undefined)) return refuseByClassification(classification, call, bound);
        return lookupCache(call, cache, bound?.responseCache ?? true);
      },
    };
  }
  return {
    name: 'route',
    run(call: GatewayCall) {
      const asked = call.modelRequested;
      const bound = call.classification === undefined ? undefined : boundLabel(call);
      if (asked === null) {
        call.plan = { model: null, chain: [], requirements: requirementsOf(bound) };
        if (bound && classification && !placementAllowed(bound, router, call.plan)) return refuseByClassification(classification, call, bound);
        return lookupCache(call, cache, bound?.responseCache ?? true);
      }
      const model = router.aliases.resolve(asked);
      const chain = router.chainFor(asked, model);
      if (!router.canServe(model, chain)) throw fail('model_not_found', { model: asked }, { param: 'model' });
      const now = Date.now();
      if (!router.anyCircuitAllows(model, now) && chain.every((s) => (s.model === undefined ? !router.breakers.allows(s.deployment, now) : !router.anyCircuitAllows(s.model, now)))) {
        throw fail('upstreams_unavailable', { model: asked }, { headers: { 'retry-after': String(Math.max(1, Math.ceil(router.retryAfterMs(now) / 1000))) } });
      }
      call.plan = { model, chain, requirements: requirementsOf(bound) };
      if (bound && classification && !placementAllowed(bound, router, call.plan)) return refuseByClassification(classification, call, bound);
      return lookupCache(call, cache, bound?.responseCache ?? true);
    },
  };
}
