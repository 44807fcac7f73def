import type { AnyRoute } from '../../http/index.ts';
import type { AccessRouteDeps } from '../route-deps.ts';
import { memberRoutes } from './member-routes.ts';
import { orgRoutes } from './org-routes.ts';
import { teamRoutes } from './team-routes.ts';
import { userRoutes } from './user-routes.ts';

/**
 * Organizations, teams, users and memberships (docs/directory.md). Each handler checks the concrete
 * target with `authorize` or filters by `visibility`; every change writes a change record.
 */
export function directoryRoutes(deps: AccessRouteDeps): AnyRoute[] {
  return [...orgRoutes(deps), ...teamRoutes(deps), ...memberRoutes(deps), ...userRoutes(deps)];
}
