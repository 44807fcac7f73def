import { z } from 'zod';
import { accessOf, authorize } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import { defineRoute, type AnyRoute } from '../http/routes/index.ts';
import { DeploymentItem, deploymentItem } from './deployment-item.ts';
import type { UpstreamRouter } from './upstream-router.ts';

export interface DeploymentRouteDeps {
  /** Undefined when no deployments are configured (one upstream): the list is empty. */
  router: UpstreamRouter | undefined;
  /** The organization that runs this Tollgate: deployments are the whole installation's, so only its owners see them. */
  homeOrgId: string;
  now?: () => number;
}

const DeploymentList = z.object({ object: z.literal('list'), data: z.array(DeploymentItem) });

/**
 * `GET /api/deployments`: each configured upstream deployment with its circuit breaker's state, as
 * this instance sees it: tollgate.yaml's, then those written through the API (deployment-write-routes.ts). Owners of the home
 * organization only (the permission that changes organization settings): it shows the
 * installation's upstream addresses, never a secret.
 * @example routes.push(...deploymentRoutes({ router, homeOrgId: home.org.id }));
 */
export function deploymentRoutes(deps: DeploymentRouteDeps): AnyRoute[] {
  const now = deps.now ?? Date.now;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/deployments',
      permission: 'org.settings.write',
      summary: 'The upstream deployments with their circuit-breaker state (never their secrets).',
      response: DeploymentList,
      handler: ({ req }) => {
        const { actor } = accessOf(req);
        if (actor.orgId !== deps.homeOrgId) throw fail('permission_denied', { what: 'read the upstream deployments: they belong to the whole installation, so only the organization that runs it may see them' });
        authorize(actor, 'org.settings.write', { orgId: deps.homeOrgId });
        const data = (deps.router?.view(now()) ?? []).map(deploymentItem);
        return { object: 'list' as const, data };
      },
    }),
  ];
}
