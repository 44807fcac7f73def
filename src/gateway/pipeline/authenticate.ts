import type { KeyService } from '../../access/index.ts';
import type { GatewayCall } from './call-context.ts';
import type { Stage } from './stage.ts';

/**
 * Stage 1: the Tollgate key → the principal (key, user, team, org, roles, scopes). Served from the
 * key cache (a hash and a map lookup); the store is read once per key per cache period. A caller
 * inside the process (the workspace's chat turn) sets the principal itself: the signed-in person.
 */
export function authenticateStage(keys: KeyService): Stage {
  return {
    name: 'authenticate',
    run(call: GatewayCall) {
      if (call.principal) return;
      const cached = keys.cachedPrincipal(call.headers.authorization);
      if (cached) {
        call.principal = cached;
        return;
      }
      return keys.authenticate(call.headers.authorization).then((principal) => {
        call.principal = principal;
      });
    },
  };
}
