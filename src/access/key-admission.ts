import { fail } from '../errors/index.ts';
import type { Principal } from './principal.ts';

/**
 * What a key allows besides its roles: the address it is used from (its IP allowlist) and the
 * endpoint scope. One rule for /api (the access hook) and /v1 (the gateway's
 * admit stage); throws the 403 that says which failed.
 */
export function admitKeyUse(principal: Principal, address: string, scope: string | undefined): void {
  if (principal.ipRule && !principal.ipRule.allows(address)) throw fail('ip_not_allowed', { who: 'Requests with this key are', address });
  if (principal.endpoints && scope !== undefined && !principal.endpoints.has(scope)) throw fail('endpoint_not_allowed', { scope });
}
