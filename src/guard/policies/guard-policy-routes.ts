import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessOf, authorize, changeContextOf, isAllowed, keyPlacement, loadTeam, type Action, type Directory, type Target } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import type { Store } from '../../state/index.ts';
import { compilePolicy, PolicyError } from '../policy/compile-policy.ts';
import { GuardPolicy } from '../policy/policy-schema.ts';
import type { GuardPolicies } from './guard-policies.ts';
import type { GuardPolicyStore, PolicyPlacement, PolicyScope, StoredPolicy } from './guard-policy-store.ts';

const ScopeParams = z.strictObject({ scope: z.enum(['org', 'team', 'key']), id: z.string().min(1).max(200) });
/** The policy itself is validated by compilePolicy (schema, then RE2), which names the bad field. */
const PolicyBody = z.record(z.string(), z.unknown());

const PolicyView = z.object({
  object: z.literal('guard_policy'),
  scope: z.enum(['org', 'team', 'key']),
  scope_id: z.string(),
  team_id: z.string().nullable(),
  policy: z.record(z.string(), z.unknown()),
  updated_at: z.number(),
  updated_by: z.string(),
});
const PolicyList = z.object({ object: z.literal('list'), data: z.array(PolicyView) });
const PolicyDeleted = z.object({ object: z.literal('guard_policy.deleted'), scope: z.enum(['org', 'team', 'key']), scope_id: z.string(), deleted: z.literal(true) });

export interface GuardPolicyRouteDeps {
  store: Store;
  policies: GuardPolicies;
  policyStore: GuardPolicyStore;
  directory: Directory;
}

/**
 * Guardrail policies per organization, team and key: `GET /api/guardrails/policies`,
 * `GET/PUT/DELETE /api/guardrails/policies/:scope/:id`. A policy is placed where its subject is
 * (a team's, a key's team and user) and needs `guardrails.write` there: owners and org admins for
 * every scope, a team admin for their team and its keys. A bad policy is a 400 naming the field.
 * @example routes.push(...guardPolicyRoutes({ store, policies, policyStore, directory }));
 */
export function guardPolicyRoutes(deps: GuardPolicyRouteDeps): AnyRoute[] {
  const { policies, policyStore } = deps;

  const place = async (req: FastifyRequest, scope: PolicyScope, scopeId: string, action: Action): Promise<PolicyPlacement> => {
    const { actor } = accessOf(req);
    let placement: PolicyPlacement;
    if (scope === 'org') {
      if (scopeId !== actor.orgId) throw fail('org_not_found', { id: scopeId }, { param: 'id' });
      placement = { orgId: actor.orgId, scope, scopeId, teamId: null, ownerUserId: null };
    } else if (scope === 'team') {
      await loadTeam(deps.directory, actor, scopeId, 'id');
      placement = { orgId: actor.orgId, scope, scopeId, teamId: scopeId, ownerUserId: null };
    } else {
      const key = await keyPlacement(deps.store, scopeId);
      if (!key || key.org_id !== actor.orgId) throw fail('key_not_found', { id: scopeId }, { param: 'id' });
      placement = { orgId: actor.orgId, scope, scopeId, teamId: key.team_id, ownerUserId: key.user_id };
    }
    authorize(actor, action, targetOf(placement));
    return placement;
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/guardrails/policies',
      permission: 'guardrails.read',
      summary: "The guardrail policies of your organization that you may read (the organization's, teams', keys').",
      response: PolicyList,
      handler: ({ req }) => {
        const { actor } = accessOf(req);
        const data = policies.list(actor.orgId).filter((p) => isAllowed(actor, 'guardrails.read', targetOf(p)));
        return { object: 'list' as const, data: data.map(view) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/guardrails/policies/:scope/:id',
      permission: 'guardrails.read',
      summary: 'The guardrail policy set on an organization, team or key (not merged with the others).',
      params: ScopeParams,
      response: PolicyView,
      handler: async ({ params, req }) => {
        await place(req, params.scope, params.id, 'guardrails.read');
        const p = policies.get(params.scope, params.id);
        if (!p) throw fail('guard_policy_not_found', { scope: params.scope, id: params.id });
        return view(p);
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/guardrails/policies/:scope/:id',
      permission: 'guardrails.write',
      summary: 'Set the guardrail policy of an organization, team or key (the body is the policy; see docs/guardrails.md). It is merged with the others, the strictest setting winning.',
      params: ScopeParams,
      body: PolicyBody,
      response: PolicyView,
      handler: async ({ params, body, req }) => {
        // The policy is checked first, like every route's body: a bad one is a 400 whatever it targets.
        let policy: GuardPolicy;
        try {
          policy = GuardPolicy.parse(body);
          compilePolicy(policy);
        } catch (err) {
          throw invalidPolicy(err);
        }
        const placement = await place(req, params.scope, params.id, 'guardrails.write');
        try {
          policies.checkCombined(placement, policy);
        } catch (err) {
          if (!(err instanceof PolicyError)) throw err;
          throw fail('invalid_guard_policy', { reason: `combined with the policies above it (default, organization, team): ${err.message}` }, { param: 'policy' });
        }
        await policyStore.put(placement, policy, changeContextOf(req), Date.now());
        await policies.reload();
        return view(policies.get(params.scope, params.id)!);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/guardrails/policies/:scope/:id',
      permission: 'guardrails.write',
      summary: 'Delete the guardrail policy of an organization, team or key.',
      params: ScopeParams,
      response: PolicyDeleted,
      handler: async ({ params, req }) => {
        await place(req, params.scope, params.id, 'guardrails.write');
        if (!(await policyStore.delete(params.scope, params.id, changeContextOf(req), Date.now()))) {
          throw fail('guard_policy_not_found', { scope: params.scope, id: params.id });
        }
        await policies.reload();
        return { object: 'guard_policy.deleted' as const, scope: params.scope, scope_id: params.id, deleted: true as const };
      },
    }),
  ];
}

function targetOf(p: Pick<StoredPolicy, 'orgId' | 'teamId' | 'ownerUserId'>): Target {
  return { orgId: p.orgId, teamId: p.teamId, ownerUserId: p.ownerUserId };
}

function view(p: StoredPolicy) {
  return { object: 'guard_policy' as const, scope: p.scope, scope_id: p.scopeId, team_id: p.teamId, policy: p.policy as Record<string, unknown>, updated_at: p.updatedAt, updated_by: p.updatedBy };
}

/** A zod or RE2 refusal as a 400 naming the field (`policy.input.pii.email`). */
function invalidPolicy(err: unknown) {
  if (err instanceof z.ZodError) {
    // An unknown field gets the 400 every route gives it (src/http/routes/validate-input.ts).
    const unknown = err.issues.find((i) => i.code === 'unrecognized_keys');
    if (unknown) return fail('invalid_parameter', { param: [...unknown.path, unknown.keys[0]!].join('.').slice(0, 100), reason: 'unknown parameter' });
    const issue = err.issues[0]!;
    const path = issue.path.join('.');
    return fail('invalid_guard_policy', { reason: `${path ? `${path}: ` : ''}${issue.message}` }, { param: path ? `policy.${path}` : 'policy' });
  }
  if (err instanceof PolicyError) return fail('invalid_guard_policy', { reason: err.message }, { param: err.path ? `policy.${err.path}` : 'policy' });
  throw err;
}
