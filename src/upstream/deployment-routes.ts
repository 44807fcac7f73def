import { z } from 'zod';
import { accessOf, authorize } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import { defineRoute, type AnyRoute } from '../http/routes/index.ts';
import type { UpstreamRouter } from './upstream-router.ts';

export interface DeploymentRouteDeps {
  /** Undefined when no deployments are configured (one upstream): the list is empty. */
  router: UpstreamRouter | undefined;
  /** The organization that runs this Tollgate: deployments are the whole installation's, so only its owners see them. */
  homeOrgId: string;
  now?: () => number;
}

const Circuit = z.object({
  state: z.enum(['closed', 'open', 'half_open']),
  consecutive_failures: z.number().int(),
  failures: z.number().int(),
  attempts: z.number().int(),
  opened_at: z.iso.datetime().nullable(),
  probe_from: z.iso.datetime().nullable(),
});
const DeploymentItem = z.object({
  id: z.string(),
  provider: z.enum(['openai', 'azure', 'openai-compatible']),
  base_url: z.string(),
  /** Where the secret is read from (`env:NAME` or `file:/path`); the secret itself is never shown. */
  api_key_ref: z.string().nullable(),
  models: z.array(z.string()),
  weight: z.number().int(),
  priority: z.number().int(),
  in_flight: z.number().int(),
  latency_ms: z.number().int().nullable(),
  circuit: Circuit,
});
const DeploymentList = z.object({ object: z.literal('list'), data: z.array(DeploymentItem) });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * `GET /api/deployments`: each configured upstream deployment with its circuit breaker's state, as
 * this instance sees it. Deployments are set in tollgate.yaml (writing them through the API waits
 * for the key ring, since an API-set secret must be stored encrypted). Owners of the home
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
        const t = now();
        const data = (deps.router?.view(t) ?? []).map((d) => ({
          ...d,
          circuit: {
            state: d.circuit.state,
            consecutive_failures: d.circuit.consecutiveFailures,
            failures: d.circuit.failures,
            attempts: d.circuit.attempts,
            opened_at: iso(d.circuit.openedAt),
            probe_from: iso(d.circuit.probeFrom),
          },
        }));
        return { object: 'list' as const, data };
      },
    }),
  ];
}
