import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../../access/index.ts';
import { loadTeam, loadUser } from '../../access/index.ts';
import { accessOf, changeContextOf } from '../../access/index.ts';
import type { Action } from '../../access/index.ts';
import { authorize, grantingRole, isAllowed } from '../../access/index.ts';
import { visibility } from '../../access/index.ts';
import { fail } from '../../errors/index.ts';
import { defineRoute, type AnyRoute } from '../../http/routes/index.ts';
import { homeOrgIdOf } from '../home-org.ts';
import { AdminAlertView } from '../unpriced-models.ts';
import { CreateBody, toCreateBudgetInput, toUpdateBudgetInput, UpdateBody } from './budget-input.ts';
import { assertMayLoosen, looseningField } from './budget-loosening.ts';
import { budgetTarget, placeBudget, type PlacementLookups } from './budget-placement.ts';
import type { BudgetService } from './budget-service.ts';
import { BudgetAlertView, alertView, BudgetView, budgetView } from './budget-view.ts';
import type { Budget } from './budget.ts';

const BudgetId = z.strictObject({ id: z.string().min(1).max(200) });

const AlertQuery = z.strictObject({
  budget_id: z.string().min(1).max(100).optional(),
  limit: z.coerce
    .number({ error: 'expected an integer from 1 to 1000' })
    .int({ error: 'expected an integer from 1 to 1000' })
    .min(1, { error: 'expected an integer from 1 to 1000' })
    .max(1_000, { error: 'expected an integer from 1 to 1000' })
    .default(100),
});

const BudgetList = z.object({ object: z.literal('list'), data: z.array(BudgetView) });
const BudgetDeleted = z.object({ id: z.string(), object: z.literal('budget.deleted'), deleted: z.literal(true) });
type Alert = z.output<typeof BudgetAlertView> | z.output<typeof AdminAlertView>;
const AlertList = z.object({ object: z.literal('list'), data: z.array(z.union([BudgetAlertView, AdminAlertView])), has_more: z.boolean() });

/** Who reads alerts that belong to no budget: their organization, and whether it is the home one (which sees all). */
export interface AlertReader {
  orgId: string;
  home: boolean;
}

export interface BudgetRouteDeps {
  budgets: BudgetService;
  /** Users and teams (to place user and team budgets) and the home organization. */
  directory: Directory;
  /** Alerts that belong to no budget (e.g. unpriced models), listed by `GET /api/alerts` for org-wide readers. */
  otherAlerts?: (limit: number, reader: AlertReader) => Promise<z.output<typeof AdminAlertView>[]>;
}

/**
 * Budgets and their alerts: `POST/GET /api/budgets`, `GET/PATCH/DELETE /api/budgets/:id`,
 * `GET /api/alerts`. A budget is placed where its subject is (see placeBudget) and every route
 * checks that place: `budgets.write` to create, change or delete, `budgets.read` to see; lists hold
 * only what the caller may read.
 * @example routes.push(...budgetRoutes({ budgets, directory }));
 */
export function budgetRoutes(deps: BudgetRouteDeps): AnyRoute[] {
  const { budgets, directory } = deps;
  const homeOrgId = homeOrgIdOf(directory);
  const lookups: PlacementLookups = {
    key: (id) => budgets.keyPlacement(id),
    user: (actor, id) => loadUser(directory, actor, id, 'scope_id'),
    team: (actor, id) => loadTeam(directory, actor, id, 'scope_id'),
  };
  const show = async (budget: Budget) => {
    const [status] = await budgets.statuses([budget]);
    return budgetView(status!);
  };
  /** The budget, if the caller's organization has it and the caller may do `action` to it. */
  const load = async (req: FastifyRequest, id: string, action: Action): Promise<Budget> => {
    const { actor } = accessOf(req);
    const budget = await budgets.get(id);
    if (!budget || budget.orgId !== actor.orgId) throw fail('budget_not_found', { id });
    authorize(actor, action, budgetTarget(budget));
    return budget;
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/api/budgets',
      permission: 'budgets.write',
      summary: 'Create a budget on a key, user, team or the organization; it is placed where its subject is and needs budgets.write there.',
      body: CreateBody,
      response: BudgetView,
      status: 201,
      handler: async ({ body, req }) => {
        const input = toCreateBudgetInput(body);
        const { actor } = accessOf(req);
        const placement = await placeBudget(actor, input.scope, input.scopeId, lookups);
        authorize(actor, 'budgets.write', placement);
        const creatorRole = grantingRole(actor, 'budgets.write', placement);
        return show(await budgets.create({ ...input, placement, creatorRole }, changeContextOf(req)));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/budgets',
      permission: 'budgets.read',
      summary: 'Budgets you may read, with their current period, spend and forecast.',
      response: BudgetList,
      handler: async ({ req }) => {
        const { actor } = accessOf(req);
        const readable = (await budgets.list()).filter((b) => isAllowed(actor, 'budgets.read', budgetTarget(b)));
        return { object: 'list' as const, data: (await budgets.statuses(readable)).map(budgetView) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/budgets/:id',
      permission: 'budgets.read',
      summary: 'One budget with its current period, spend and forecast.',
      params: BudgetId,
      response: BudgetView,
      handler: async ({ params, req }) => show(await load(req, params.id, 'budgets.read')),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/budgets/:id',
      permission: 'budgets.write',
      summary: "Change a budget's name, period, time zone, limit or thresholds.",
      params: BudgetId,
      body: UpdateBody,
      response: BudgetView,
      handler: async ({ params, body, req }) => {
        const budget = await load(req, params.id, 'budgets.write');
        const patch = toUpdateBudgetInput(body);
        const loosened = looseningField(budget, patch);
        if (loosened !== undefined) assertMayLoosen(accessOf(req).actor, budget, loosened);
        const updated = await budgets.update(budget.id, patch, changeContextOf(req));
        if (!updated) throw fail('budget_not_found', { id: params.id });
        return show(updated);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/budgets/:id',
      permission: 'budgets.write',
      summary: 'Delete a budget and its spend (its alerts and change records stay).',
      params: BudgetId,
      response: BudgetDeleted,
      handler: async ({ params, req }) => {
        const budget = await load(req, params.id, 'budgets.write');
        assertMayLoosen(accessOf(req).actor, budget, null);
        const deleted = await budgets.delete(budget.id, changeContextOf(req));
        if (!deleted) throw fail('budget_not_found', { id: params.id });
        return { id: deleted.id, object: 'budget.deleted' as const, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts',
      permission: 'alerts.read',
      summary: 'Alerts of the budgets you may read; owners and auditors also see unpriced-model alerts.',
      query: AlertQuery,
      response: AlertList,
      handler: async ({ query: { budget_id: budgetId, limit }, req }) => {
        const { actor } = accessOf(req);
        const v = visibility(actor, 'alerts.read');
        const rows: Alert[] = (await budgets.alerts({ budgetId, limit, visibility: v })).map(alertView);
        if (budgetId === undefined && deps.otherAlerts && v.all) {
          rows.push(...(await deps.otherAlerts(limit, { orgId: actor.orgId, home: actor.orgId === (await homeOrgId()) })));
          rows.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
        }
        return { object: 'list' as const, data: rows.slice(0, limit), has_more: rows.length >= limit };
      },
    }),
  ];
}
