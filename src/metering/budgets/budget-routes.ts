import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../../access/index.ts';
import { accessOf, changeContextOf } from '../../access/index.ts';
import type { Action } from '../../access/index.ts';
import { authorize, grantingRole, isAllowed } from '../../access/index.ts';
import { visibility } from '../../access/index.ts';
import { errors } from '../../http/index.ts';
import { homeOrgIdOf } from '../home-org.ts';
import { documentRoute } from '../../http/index.ts';
import { CreateBody, parseCreateBudget, parseUpdateBudget, UpdateBody } from './budget-input.ts';
import { assertMayLoosen, looseningField } from './budget-loosening.ts';
import { budgetTarget, placeBudget, type PlacementLookups } from './budget-placement.ts';
import type { BudgetService } from './budget-service.ts';
import { alertView, budgetView } from './budget-view.ts';
import type { Budget } from './budget.ts';

const AlertQuery = z.strictObject({
  budget_id: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

documentRoute('POST /api/budgets', { summary: 'Create a budget on a key, user, team or the organization; it is placed where its subject is and needs budgets.write there.', body: CreateBody });
documentRoute('GET /api/budgets', { summary: 'Budgets you may read, with their current period, spend and forecast.' });
documentRoute('GET /api/budgets/:id', { summary: 'One budget with its current period, spend and forecast.' });
documentRoute('PATCH /api/budgets/:id', { summary: "Change a budget's name, period, time zone, limit or thresholds.", body: UpdateBody });
documentRoute('DELETE /api/budgets/:id', { summary: 'Delete a budget and its spend (its alerts and change records stay).' });
documentRoute('GET /api/alerts', { summary: 'Alerts of the budgets you may read; owners and auditors also see unpriced-model alerts.', query: AlertQuery });

/** Who reads alerts that belong to no budget: their organization, and whether it is the home one (which sees all). */
export interface AlertReader {
  orgId: string;
  home: boolean;
}

export interface BudgetRouteDeps {
  budgets: BudgetService;
  /** Users and teams (to place user and team budgets) and the home organization. */
  directory: Pick<Directory, 'getUser' | 'getTeam' | 'homeOrg'>;
  /** Alerts that belong to no budget (e.g. unpriced models), listed by `GET /alerts` for org-wide readers. */
  otherAlerts?: (limit: number, reader: AlertReader) => Promise<{ created_at: string }[]>;
}

/**
 * Budgets and their alerts under `/api`: `POST/GET /budgets`, `GET/PATCH/DELETE /budgets/:id`,
 * `GET /alerts`. A budget is placed where its subject is (see placeBudget) and every route checks
 * that place: `budgets.write` to create, change or delete, `budgets.read` to see; lists hold only
 * what the caller may read.
 * @example await app.register(async (api) => budgetRoutes(api, { budgets, directory }), { prefix: '/api' });
 */
export async function budgetRoutes(app: FastifyInstance, deps: BudgetRouteDeps): Promise<void> {
  const { budgets } = deps;
  const homeOrgId = homeOrgIdOf(deps.directory);
  const lookups: PlacementLookups = {
    key: (id) => budgets.keyPlacement(id),
    user: (id) => deps.directory.getUser(id),
    team: (id) => deps.directory.getTeam(id),
  };
  const show = async (budget: Budget) => {
    const [status] = await budgets.statuses([budget]);
    return budgetView(status!);
  };
  /** The budget, if the caller's organization has it and the caller may do `action` to it. */
  const load = async (req: FastifyRequest<{ Params: { id: string } }>, action: Action): Promise<Budget> => {
    const { actor } = accessOf(req);
    const budget = await budgets.get(req.params.id);
    if (!budget || budget.orgId !== actor.orgId) throw notFound(req.params.id);
    authorize(actor, action, budgetTarget(budget));
    return budget;
  };

  app.post('/budgets', async (req, reply) => {
    const input = parseCreateBudget(req.body);
    const { actor } = accessOf(req);
    const placement = await placeBudget(actor, input.scope, input.scopeId, lookups);
    authorize(actor, 'budgets.write', placement);
    const creatorRole = grantingRole(actor, 'budgets.write', placement);
    const budget = await budgets.create({ ...input, placement, creatorRole }, changeContextOf(req));
    return reply.code(201).send(await show(budget));
  });

  app.get('/budgets', async (req) => {
    const { actor } = accessOf(req);
    const readable = (await budgets.list()).filter((b) => isAllowed(actor, 'budgets.read', budgetTarget(b)));
    return { object: 'list', data: (await budgets.statuses(readable)).map(budgetView) };
  });

  app.get<{ Params: { id: string } }>('/budgets/:id', async (req) => show(await load(req, 'budgets.read')));

  app.patch<{ Params: { id: string } }>('/budgets/:id', async (req) => {
    const budget = await load(req, 'budgets.write');
    const patch = parseUpdateBudget(req.body);
    const loosened = looseningField(budget, patch);
    if (loosened !== undefined) assertMayLoosen(accessOf(req).actor, budget, loosened);
    const updated = await budgets.update(budget.id, patch, changeContextOf(req));
    if (!updated) throw notFound(req.params.id);
    return show(updated);
  });

  app.delete<{ Params: { id: string } }>('/budgets/:id', async (req) => {
    const budget = await load(req, 'budgets.write');
    assertMayLoosen(accessOf(req).actor, budget, null);
    const deleted = await budgets.delete(budget.id, changeContextOf(req));
    if (!deleted) throw notFound(req.params.id);
    return { id: deleted.id, object: 'budget.deleted', deleted: true };
  });

  app.get('/alerts', async (req) => {
    const parsed = AlertQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.code === 'unrecognized_keys' ? issue.keys[0]!.slice(0, 100) : String(issue.path[0] ?? 'query');
      const hint = param === 'limit' ? 'an integer from 1 to 1000' : param === 'budget_id' ? 'a budget id' : 'only budget_id and limit';
      throw errors.badRequest('invalid_parameter', `Invalid '${param}': expected ${hint}.`, param);
    }
    const { budget_id: budgetId, limit } = parsed.data;
    const { actor } = accessOf(req);
    const v = visibility(actor, 'alerts.read');
    const rows = (await budgets.alerts({ budgetId, limit, visibility: v })).map(alertView) as { created_at: string }[];
    if (budgetId === undefined && deps.otherAlerts && v.all) {
      rows.push(...(await deps.otherAlerts(limit, { orgId: actor.orgId, home: actor.orgId === (await homeOrgId()) })));
      rows.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    }
    return { object: 'list', data: rows.slice(0, limit), has_more: rows.length >= limit };
  });
}

function notFound(id: string) {
  return errors.notFound('budget_not_found', `No budget with id '${id.slice(0, 100)}'.`, 'id');
}
