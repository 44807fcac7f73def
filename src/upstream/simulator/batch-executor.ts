/**
 * Runs the lines of a batch input file (OpenAI's batch input format) through
 * the simulator's own endpoint handlers, producing the output and error files
 * in OpenAI's batch output format.
 */
import { alnumId, hexId } from './id-generator.ts';
import { SimulatorHttpError } from './openai-error.ts';
import type { RouteTable } from './route-table.ts';

/** The endpoints a batch may target in the simulator. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/v1/completions', '/v1/moderations'] as const;

/** Largest number of lines a batch may hold (OpenAI's limit). */
export const MAX_BATCH_LINES = 50_000;

export interface BatchRunResult {
  output: string;
  errors: string;
  completed: number;
  failed: number;
  total: number;
  usage: { input_tokens: number; output_tokens: number; cached: number; reasoning: number };
}

type Json = Record<string, unknown>;

/** The input file's lines, each answered as its endpoint would answer it. */
export function runBatchLines(input: string, endpoint: string, routes: RouteTable): BatchRunResult {
  const out: string[] = [];
  const errs: string[] = [];
  const usage = { input_tokens: 0, output_tokens: 0, cached: 0, reasoning: 0 };
  let total = 0;
  for (const raw of input.split('\n')) {
    if (raw.trim() === '') continue;
    total++;
    const line = parseLine(raw);
    const customId = typeof line?.['custom_id'] === 'string' ? line['custom_id'] : null;
    if (line === undefined || customId === null) {
      errs.push(errorLine(customId, 'invalid_request', 'The line is not a JSON object with a custom_id.'));
      continue;
    }
    if (line['url'] !== endpoint) {
      errs.push(errorLine(customId, 'invalid_url', `The line's url must be the batch's endpoint ${endpoint}.`));
      continue;
    }
    const body = line['body'];
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      errs.push(errorLine(customId, 'invalid_request', 'The line has no body object.'));
      continue;
    }
    const requestId = hexId('req_', 32);
    try {
      if ((body as Json)['stream'] === true) throw new SimulatorHttpError(400, 'Streaming is not supported in batches.', 'invalid_request_error', 'stream', null);
      const result = routes('POST', endpoint)!.handler({ method: 'POST', path: endpoint, param: undefined, body: body as Json, rawBody: JSON.stringify(body) });
      if (result.type !== 'json') throw new SimulatorHttpError(400, 'Streaming is not supported in batches.', 'invalid_request_error', 'stream', null);
      addUsage(usage, (result.body as Json)['usage']);
      out.push(JSON.stringify({ id: alnumId('batch_req_', 32), custom_id: customId, response: { status_code: result.status, request_id: requestId, body: result.body }, error: null }));
    } catch (err) {
      if (!(err instanceof SimulatorHttpError)) throw err;
      errs.push(JSON.stringify({ id: alnumId('batch_req_', 32), custom_id: customId, response: { status_code: err.status, request_id: requestId, body: err.body }, error: null }));
    }
  }
  return { output: joinLines(out), errors: joinLines(errs), completed: out.length, failed: errs.length, total, usage };
}

function parseLine(raw: string): Json | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function errorLine(customId: string | null, code: string, message: string): string {
  return JSON.stringify({ id: alnumId('batch_req_', 32), custom_id: customId, response: null, error: { code, message } });
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const n = (v: unknown) => (typeof v === 'number' ? v : 0);

function addUsage(sum: BatchRunResult['usage'], u: unknown): void {
  if (u === null || typeof u !== 'object') return;
  const x = u as Json;
  sum.input_tokens += n(x['prompt_tokens'] ?? x['input_tokens']);
  sum.output_tokens += n(x['completion_tokens'] ?? x['output_tokens']);
  const inDetails = (x['prompt_tokens_details'] ?? x['input_tokens_details']) as Json | undefined;
  const outDetails = (x['completion_tokens_details'] ?? x['output_tokens_details']) as Json | undefined;
  sum.cached += n(inDetails?.['cached_tokens']);
  sum.reasoning += n(outDetails?.['reasoning_tokens']);
}
