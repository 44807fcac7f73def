import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../../http/errors.ts';
import { parseCreateBudget, parseUpdateBudget } from './budget-input.ts';
import type { BudgetService } from './budget-service.ts';
import { alertView, budgetView } from './budget-view.ts';

const AlertQuery = z.strictObject({
  budget_id: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/**
 * Admin API for budgets and their alerts. Mount under `/api` behind admin authentication:
 * `POST/GET /budgets`, `GET/PATCH/DELETE /budgets/:id`, `GET /alerts`.
 * @example await app.register(async (api) => { requireAdmin(api, keys); await budgetRoutes(api, { budgets }); }, { prefix: '/api' });
 */
export interface BudgetRouteDeps {
  budgets: BudgetService;
  /** Alerts that belong to no budget (e.g. unpriced models), listed by `GET /alerts` beside budget alerts. */
  otherAlerts?: (limit: number) => Promise<{ created_at: string }[]>;
}

export async function budgetRoutes(app: FastifyInstance, deps: BudgetRouteDeps): Promise<void> {
  const { budgets } = deps;
  const show = async (id: string) => {
    const budget = await budgets.get(id);
    if (!budget) throw notFound(id);
    const [status] = await budgets.statuses([budget]);
    return budgetView(status!);
  };

  app.post('/budgets', async (req, reply) => {
    const budget = await budgets.create(parseCreateBudget(req.body));
    return reply.code(201).send(await show(budget.id));
  });

  app.get('/budgets', async () => {
    const list = await budgets.statuses(await budgets.list());
    return { object: 'list', data: list.map(budgetView) };
  });

  app.get<{ Params: { id: string } }>('/budgets/:id', async (req) => show(req.params.id));

  app.patch<{ Params: { id: string } }>('/budgets/:id', async (req) => {
    const budget = await budgets.update(req.params.id, parseUpdateBudget(req.body));
    if (!budget) throw notFound(req.params.id);
    return show(budget.id);
  });

  app.delete<{ Params: { id: string } }>('/budgets/:id', async (req) => {
    const budget = await budgets.delete(req.params.id);
    if (!budget) throw notFound(req.params.id);
    return { id: budget.id, object: 'budget.deleted', deleted: true };
  });

  app.get('/alerts', async (req) => {
    const parsed = AlertQuery.safeParse(req.query);
    if (!parsed.success) {
      const param = String(parsed.error.issues[0]!.path[0] ?? 'query');
      const hint = param === 'limit' ? 'an integer from 1 to 1000' : param === 'budget_id' ? 'a budget id' : 'only budget_id and limit';
      throw errors.badRequest('invalid_parameter', `Invalid '${param}': expected ${hint}.`, param);
    }
    const { budget_id: budgetId, limit } = parsed.data;
    const rows = (await budgets.alerts({ budgetId, limit })).map(alertView) as { created_at: string }[];
    if (budgetId === undefined && deps.otherAlerts) {
      rows.push(...(await deps.otherAlerts(limit)));
      rows.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    }
    return { object: 'list', data: rows.slice(0, limit), has_more: rows.length >= limit };
  });
}

function notFound(id: string) {
  return errors.notFound('budget_not_found', `No budget with id '${id.slice(0, 100)}'.`, 'id');
}
