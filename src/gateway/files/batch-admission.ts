import { admitKeyUse, endpointScopeOf, type Principal } from '../../access/index.ts';
import { fail, TollgateError } from '../../errors/index.ts';
import type { BudgetService } from '../../metering/budgets/index.ts';
import { estimatePromptTokens, maxOutputTokensOf, type EstimateEndpoint } from '../../metering/index.ts';
import { estimateWorstCase, type PriceCatalog } from '../../metering/prices/index.ts';
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
export async function checkInputLines(
  content: AsyncIterable<Buffer>,
  batch: BatchCreate,
  principal: Principal,
  limits: InputLimits,
  /** The line's worst-case cost, when budgets apply (else not called). */
  worstCase?: (line: number, model: string, body: Record<string, unknown>) => number,
): Promise<{ lines: number; models: Set<string>; worstCase: number }> {
  let lines = 0;
  let worst = 0;
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
      if (worstCase) worst += worstCase(n, model, body as Record<string, unknown>);
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
  return { lines, models, worstCase: worst };
}

/** How long a batch's budget reservation is held: its 24 h window and some time to finish and be seen. */
export const BATCH_HOLD_MS = 26 * 3_600_000;

/** The budgets of a principal's requests; undefined when none applies. */
export function budgetSubjectOf(budgets: BudgetService | undefined, principal: Principal) {
  if (!budgets) return undefined;
  const subject = { keyId: principal.keyId, userId: principal.userId, teamId: principal.teamId, orgId: principal.orgId };
  return budgets.budgetsFor(subject).length === 0 ? undefined : subject;
}

/**
 * A line's worst case at its model's batch price (the prompt counted locally, the output cap it
 * asks for or the model's limit). A model without a price cannot be counted against a budget: it
 * is refused (403 model_not_priced, naming the line) unless the organization allows unpriced models.
 */
export function lineWorstCase(catalog: PriceCatalog, principal: Principal, endpoint: string, at: number) {
  return (line: number, model: string, body: Record<string, unknown>): number => {
    const price = catalog.priceFor(model, at);
    if (!price) {
      if (!principal.allowUnpricedModels) throw fail('model_not_priced', { model, org: principal.orgId }, { param: `line ${line}` });
      return 0;
    }
    const e = endpoint as EstimateEndpoint;
    return estimateWorstCase(estimatePromptTokens(e, body, model), maxOutputTokensOf(e, body), price, 'batch') ?? 0;
  };
}
