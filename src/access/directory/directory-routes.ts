import type { FastifyInstance } from 'fastify';
import type { AccessRouteDeps } from '../route-deps.ts';
import { memberRoutes } from './member-routes.ts';
import { orgRoutes } from './org-routes.ts';
import { teamRoutes } from './team-routes.ts';
import { userRoutes } from './user-routes.ts';

/**
 * Organizations, teams, users and memberships (docs/directory.md). Each handler checks the concrete
 * target with `authorize` or filters by `visibility`; every change writes a change record.
 */
export async function directoryRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  await orgRoutes(app, deps);
  await teamRoutes(app, deps);
  await memberRoutes(app, deps);
  await userRoutes(app, deps);
}
