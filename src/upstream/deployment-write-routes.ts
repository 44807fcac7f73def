import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf, authorize, changeContextOf } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import type { AddressPolicy } from '../http/outbound/index.ts';
import { defineRoute, type AnyRoute } from '../http/routes/index.ts';
import { deploymentSchema, type Deployment } from './deployment.ts';
import { DeploymentCreateBody, DeploymentIdParam, DeploymentPatchBody } from './deployment-body.ts';
import { DeploymentItem, deploymentItem } from './deployment-item.ts';
import type { DeploymentStore } from './deployment-store.ts';
import { baseUrlRefusal } from './deployment-url-check.ts';
import type { UpstreamRouter } from './upstream-router.ts';

export interface DeploymentWriteDeps {
  /** Undefined when this Tollgate runs one upstream: writes are refused (nothing would route to them). */
  router: UpstreamRouter | undefined;
  homeOrgId: string;
  store: DeploymentStore;
  /** Re-reads the stored deployments into the router (this instance; others follow the change feed). */
  reload: () => Promise<void>;
  /** The outbound address policy (`outbound.allow_private`) a base URL must pass. */
  addresses: AddressPolicy;
  /** Whether encryption at rest is on: an inline key is accepted only if it can be stored sealed. */
  canSeal: boolean;
  now?: () => number;
}

const Deleted = z.object({ id: z.string(), object: z.literal('deployment.deleted'), deleted: z.literal(true) });

/**
 * `POST`, `PATCH` and `DELETE /api/deployments`: upstream deployments written through the API, for
 * owners of the home organization (as `GET`). The key is given inline and stored sealed under the
 * home organization's data key; no answer, log line or audit record holds it. tollgate.yaml's
 * deployments cannot be changed here (the file wins). A base URL must pass the outbound address
 * policy. Each change is audited and reaches this instance's router at once, other instances
 * through the change feed.
 * @example routes.push(...deploymentWriteRoutes({ router, homeOrgId, store, reload, addresses, canSeal: true }));
 */
export function deploymentWriteRoutes(deps: DeploymentWriteDeps): AnyRoute[] {
  const now = deps.now ?? Date.now;
  const requireHomeOwner = (req: FastifyRequest): UpstreamRouter => {
    const { actor } = accessOf(req);
    if (actor.orgId !== deps.homeOrgId) throw fail('permission_denied', { what: 'change the upstream deployments: they belong to the whole installation, so only the organization that runs it may change them' });
    authorize(actor, 'org.settings.write', { orgId: deps.homeOrgId });
    if (!deps.router) throw fail('deployments_not_routed');
    return deps.router;
  };
  const notInConfig = (router: UpstreamRouter, id: string) => {
    if (router.configured.some((d) => d.id === id)) throw fail('deployment_in_config', { id });
  };
  const checkUrl = async (baseUrl: string) => {
    const why = await baseUrlRefusal(baseUrl, deps.addresses);
    if (why) throw fail('invalid_parameter', { param: 'base_url', reason: `Tollgate may not send requests there: ${why}` });
  };
  const checkKey = (key: string | null | undefined) => {
    if (typeof key === 'string' && !deps.canSeal) throw fail('inline_key_needs_encryption');
  };
  const viewOf = (router: UpstreamRouter, id: string) => {
    const v = router.view(now()).find((d) => d.id === id);
    if (!v) throw fail('deployment_not_found', { id });
    return deploymentItem(v);
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/api/deployments',
      permission: 'org.settings.write',
      status: 201,
      summary: 'Add an upstream deployment (owners of the home organization; the key is stored sealed and never shown).',
      body: DeploymentCreateBody,
      response: DeploymentItem,
      handler: async ({ body, req }) => {
        const router = requireHomeOwner(req);
        notInConfig(router, body.id);
        checkKey(body.api_key);
        await checkUrl(body.base_url);
        const { api_key: key, ...settings } = body;
        if (!(await deps.store.create(settings, key, changeContextOf(req), now()))) throw fail('deployment_exists', { id: body.id });
        await deps.reload();
        return viewOf(router, body.id);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/deployments/:id',
      permission: 'org.settings.write',
      summary: 'Change an upstream deployment written through the API (absent fields are kept; api_key: null sends none).',
      params: DeploymentIdParam,
      body: DeploymentPatchBody,
      response: DeploymentItem,
      handler: async ({ params: { id }, body, req }) => {
        const router = requireHomeOwner(req);
        notInConfig(router, id);
        const stored = await deps.store.get(id);
        if (!stored) throw fail('deployment_not_found', { id });
        checkKey(body.api_key);
        // Only the fields sent: the parsed body has the schema's defaults filled in.
        const sent = new Set(Object.keys((req.body ?? {}) as object));
        const changes = Object.fromEntries(Object.entries(body).filter(([k]) => sent.has(k) && k !== 'api_key'));
        const merged: Deployment = deploymentSchema.parse({ ...stored.deployment, ...changes });
        if (sent.has('base_url')) await checkUrl(merged.base_url);
        // The stored key goes only where it was given for: a new origin needs the key again, or the
        // caller could read a key it was never shown by pointing the deployment at its own server.
        if (stored.inline && !sent.has('api_key') && new URL(merged.base_url).origin !== new URL(stored.deployment.base_url).origin) {
          throw fail('invalid_parameter', { param: 'api_key', reason: 'base_url now names another server: give the key for it again (or null for none); the stored key is not sent to a new origin' });
        }
        const key = sent.has('api_key') ? (body.api_key ?? null) : undefined;
        if (!(await deps.store.update(merged, key, changeContextOf(req), now()))) throw fail('deployment_not_found', { id });
        await deps.reload();
        return viewOf(router, id);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/deployments/:id',
      permission: 'org.settings.write',
      summary: 'Remove an upstream deployment written through the API (requests in flight to it finish).',
      params: DeploymentIdParam,
      response: Deleted,
      handler: async ({ params: { id }, req }) => {
        const router = requireHomeOwner(req);
        notInConfig(router, id);
        if (!(await deps.store.delete(id, changeContextOf(req), now()))) throw fail('deployment_not_found', { id });
        await deps.reload();
        return { id, object: 'deployment.deleted' as const, deleted: true as const };
      },
    }),
  ];
}
