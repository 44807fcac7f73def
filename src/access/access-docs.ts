import type { DocumentOptions } from '../http/index.ts';
import { ACCOUNT } from './permissions/route-permissions.ts';

/** How the OpenAPI document describes authentication: keys for /v1, keys or sessions for /api, sessions only for account changes. */
export const accessDocs: Pick<DocumentOptions, 'securityOf' | 'noteOf'> = {
  securityOf: (route) => {
    if (route.gateway || route.path.startsWith('/v1/')) return [{ tollgateKey: [] }];
    if (route.permission === ACCOUNT) return [{ session: [] }];
    return [{ tollgateKey: [] }, { session: [] }];
  },
  noteOf: (route) =>
    route.permission === ACCOUNT
      ? 'Needs a signed-in session (with its x-csrf-token); a key is refused with 403 session_required, so whoever holds a key cannot take the account over.'
      : undefined,
};
