import { admitKeyUse, endpointScopeOf, type Principal } from '../../access/index.ts';
import { fail, TollgateError } from '../../errors/index.ts';
import type { BudgetService } from '../../metering/budgets/index.ts';
import { jsonlLines, LineLimitError } from './jsonl-lines.ts';

/** Endpoints a batch may target through Tollgate (those the gateway itself serves and meters). */
export const BATCH_ENDPOINTS: readonly string[] = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings', '/v1/completions', '/v1/moderations'];

/** The fields of a batch create request Tollgate checks; the rest goes to the upstream untouched. */
export interface BatchCreate {
  input_file_id: string;
  endpoint: string;
}

/** Checks the body of POST /v1/batches: the input file, an endpoint the key may call, the 24h window. */
export function checkBatchCreate(body: unknown, principal: Principal, ip: string): BatchCreate {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw fail('invalid_parameter', { param: 'body', reason: 'expected a JSON object' }, { param: null });
  const b = body as Record<string, unknown>;
  if (typeof b['input_file_id'] !== 'string' || b['input_file_id'] === '') throw fail('invalid_parameter', { param: 'input_file_id', reason: 'expected the id of a file uploaded with purpose batch' });
  if (typeof b['endpoint'] !== 'string' || !BATCH_ENDPOINTS.includes(b['endpoint'])) {
    throw fail('invalid_parameter', { param: 'endpoint', reason: `expected one of ${BATCH_ENDPOINTS.join(', ')}` });
  }
  if (b['completion_window'] !== '24h') throw fail('invalid_parameter', { param: 'completion_window', reason: "only '24h' is supported" });
  // The batch's requests are calls of its endpoint: the key must be allowed to make them.
  admitKeyUse(principal, ip, endpointScopeOf(b['endpoint']));
  return { input_file_id: b['input_file_id'], endpoint: b['endpoint'] };
}

/** Bounds of the input file check. */
export interface InputLimits {
  maxTotalBytes: number;
  maxLineBytes: number;
}

/**
 * Reads the input file (streamed, one line in memory) and checks every line as the gateway would
 * check the request: a JSON object with a custom_id, for the batch's endpoint, with a model the
 * key may use. The first bad line refuses the batch with a 400 that names it.
 */
export async function checkInputLines(content: AsyncIterable<Buffer>, batch: BatchCreate, principal: Principal, limits: InputLimits): Promise<{ lines: number; models: Set<string> }> {
  let lines = 0;
  const models = new Set<string>();
  const bad = (n: number, reason: string) => fail('batch_input_invalid', { line: n, reason }, { param: `line ${n}` });
  try {
    for await (const { n, text } of jsonlLines(content, limits)) {
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        throw bad(n, 'is not valid JSON');
      }
      if (line === null || typeof line !== 'object' || Array.isArray(line)) throw bad(n, 'is not a JSON object');
      const l = line as Record<string, unknown>;
      if (typeof l['custom_id'] !== 'string' || l['custom_id'] === '') throw bad(n, 'has no custom_id');
      if (l['url'] !== batch.endpoint) throw bad(n, `has the url ${JSON.stringify(l['url'])}; every line must call the batch's endpoint ${batch.endpoint}`);
      const body = l['body'];
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad(n, 'has no body object');
      const model = (body as Record<string, unknown>)['model'] ?? (batch.endpoint === '/v1/moderations' ? 'omni-moderation-latest' : undefined);
      if (typeof model !== 'string' || model === '') throw bad(n, 'has no model');
      if (principal.allowedModels && !principal.allowedModels.allows(model)) throw fail('batch_line_model_not_allowed', { line: n, model }, { param: `line ${n}` });
      models.add(model);
      lines++;
    }
  } catch (err) {
    if (err instanceof LineLimitError) {
      throw err.what === 'file' ? fail('batch_input_too_large', { limit: limits.maxTotalBytes }) : bad(err.line, `is longer than ${limits.maxLineBytes} bytes`);
    }
    if (err instanceof TollgateError) throw err;
    throw fail('upstream_interrupted', {}, { cause: err });
  }
  if (lines === 0) throw fail('invalid_parameter', { param: 'input_file_id', reason: 'the input file has no requests' });
  return { lines, models };
}

/**
 * The batch's admission under the caller's budgets: refused (429 budget_exceeded) when a budget that
 * applies is already spent. Nothing is held: a budget reservation is a lease of minutes, and a
 * batch runs for up to a day; its cost is charged when it completes.
 */
export async function admitUnderBudgets(budgets: BudgetService | undefined, principal: Principal, at: number): Promise<void> {
  if (!budgets) return;
  const subject = { keyId: principal.keyId, userId: principal.userId, teamId: principal.teamId, orgId: principal.orgId };
  if (budgets.budgetsFor(subject).length === 0) return;
  const r = await budgets.reserve(subject, 0, at);
  await r.release();
}
