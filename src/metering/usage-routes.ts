import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errors } from '../http/errors.ts';
import type { UsageLedger } from './ledger.ts';

const time = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
]);

const UsageQuery = z.strictObject({
  key_id: z.string().min(1).max(100).optional(),
  model: z.string().min(1).max(200).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/** Usage API: ledger rows with filters and totals, and one request's row. */
export async function usageRoutes(app: FastifyInstance, deps: { ledger: UsageLedger }): Promise<void> {
  app.get('/usage', async (req) => {
    const parsed = UsageQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.join('.') || 'query';
      throw errors.badRequest('invalid_parameter', `Invalid '${param}': expected ${hint(param)}.`, param);
    }
    const q = parsed.data;
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
      throw errors.badRequest('invalid_parameter', "Invalid 'from': must not be after 'to'.", 'from');
    }
    const { rows, totals } = await deps.ledger.query({ keyId: q.key_id, model: q.model, from: q.from, to: q.to, limit: q.limit });
    return { object: 'list', data: rows.map(view), totals, has_more: rows.length === q.limit };
  });

  app.get<{ Params: { id: string } }>('/usage/:id', async (req) => {
    const row = await deps.ledger.get(req.params.id);
    if (!row) throw errors.notFound('usage_not_found', `No usage record for request '${req.params.id}'.`, 'id');
    return view(row);
  });
}

function hint(param: string): string {
  if (param === 'from' || param === 'to') return 'an ISO 8601 time, a date (YYYY-MM-DD) or epoch milliseconds';
  if (param === 'limit') return 'an integer from 1 to 10000';
  return 'a non-empty string';
}

function view(r: Awaited<ReturnType<UsageLedger['get']>> & object) {
  return { ...r, created_at: new Date(r.created_at).toISOString(), stream: r.stream === 1 };
}
