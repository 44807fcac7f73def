/**
 * The simulator's Batch API: batches move validating → in_progress →
 * finalizing → completed on timers (a few tens of milliseconds by default,
 * `SimulatorOptions.batchStepMs`), answering each input line with the
 * simulator's endpoint handlers and writing the output and error files.
 */
import { BATCH_ENDPOINTS, MAX_BATCH_LINES, runBatchLines } from './batch-executor.ts';
import { fileNotFound, type FileStore } from './file-store.ts';
import { hexId } from './id-generator.ts';
import { SimulatorHttpError, invalidValue, missingParameter } from './openai-error.ts';
import type { RouteTable } from './route-table.ts';

type Status = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** OpenAI's `Batch` object (the fields the simulator fills). */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  errors?: { object: 'list'; data: { code: string; message: string; param: string | null; line: number | null }[] };
  input_file_id: string;
  completion_window: string;
  status: Status;
  output_file_id?: string;
  error_file_id?: string;
  created_at: number;
  in_progress_at?: number;
  expires_at: number;
  finalizing_at?: number;
  completed_at?: number;
  failed_at?: number;
  cancelling_at?: number;
  cancelled_at?: number;
  request_counts: { total: number; completed: number; failed: number };
  usage?: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
  metadata: Record<string, string> | null;
}

const now = () => Math.floor(Date.now() / 1000);

/** Every batch of one simulator, with the timers that advance them (stopped by `close`). */
export class BatchStore {
  private readonly batches = new Map<string, BatchObject>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly files: FileStore,
    private readonly routes: RouteTable,
    private readonly stepMs: number,
  ) {}

  /** POST /v1/batches. */
  create(body: Record<string, unknown>): BatchObject {
    const inputFileId = body['input_file_id'];
    const endpoint = body['endpoint'];
    const window = body['completion_window'];
    if (typeof inputFileId !== 'string' || inputFileId === '') throw missingParameter('input_file_id');
    if (typeof endpoint !== 'string') throw missingParameter('endpoint');
    if (typeof window !== 'string') throw missingParameter('completion_window');
    if (!(BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) throw invalidValue('endpoint', endpoint, BATCH_ENDPOINTS);
    if (window !== '24h') throw invalidValue('completion_window', window, ['24h']);
    const file = this.files.get(inputFileId);
    if (file.purpose !== 'batch') {
      throw new SimulatorHttpError(400, `File ${inputFileId} has purpose '${file.purpose}'; a batch input file must have purpose 'batch'.`, 'invalid_request_error', 'input_file_id', 'invalid_file_purpose');
    }
    const metadata = body['metadata'];
    const created = now();
    const batch: BatchObject = {
      id: hexId('batch_', 32),
      object: 'batch',
      endpoint,
      input_file_id: inputFileId,
      completion_window: '24h',
      status: 'validating',
      created_at: created,
      expires_at: created + 86_400,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, string>) : null,
    };
    this.batches.set(batch.id, batch);
    this.after(() => this.start(batch));
    return batch;
  }

  get(id: string): BatchObject {
    const batch = this.batches.get(id);
    if (!batch) throw new SimulatorHttpError(404, `No batch found with id '${id}'.`, 'invalid_request_error', null, 'not_found');
    return batch;
  }

  /** POST /v1/batches/{id}/cancel: a batch not finished yet becomes cancelling, then cancelled. */
  cancel(id: string): BatchObject {
    const batch = this.get(id);
    if (batch.status === 'validating' || batch.status === 'in_progress') {
      batch.status = 'cancelling';
      batch.cancelling_at = now();
      this.after(() => {
        batch.status = 'cancelled';
        batch.cancelled_at = now();
      });
      return batch;
    }
    if (batch.status === 'cancelling' || batch.status === 'cancelled') return batch;
    throw new SimulatorHttpError(409, `Cannot cancel a batch with status '${batch.status}'.`, 'invalid_request_error', null, null);
  }

  /** Newest first, after the id `after`. */
  list(after: string | undefined, limit: number): { data: BatchObject[]; hasMore: boolean } {
    let all = [...this.batches.values()].reverse();
    if (after !== undefined) {
      const at = all.findIndex((b) => b.id === after);
      all = at === -1 ? [] : all.slice(at + 1);
    }
    return { data: all.slice(0, limit), hasMore: all.length > limit };
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private after(fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.stepMs);
    timer.unref();
    this.timers.add(timer);
  }

  private start(batch: BatchObject): void {
    if (batch.status !== 'validating') return;
    let input: string;
    try {
      input = this.files.content(batch.input_file_id).toString('utf8');
    } catch {
      return this.fail(batch, 'invalid_file', fileNotFound(batch.input_file_id).message);
    }
    const lines = input.split('\n').filter((l) => l.trim() !== '').length;
    if (lines === 0) return this.fail(batch, 'empty_file', 'The input file has no requests.');
    if (lines > MAX_BATCH_LINES) return this.fail(batch, 'too_many_requests', `The input file has more than ${MAX_BATCH_LINES} requests.`);
    batch.status = 'in_progress';
    batch.in_progress_at = now();
    batch.request_counts = { total: lines, completed: 0, failed: 0 };
    this.after(() => this.run(batch, input));
  }

  private run(batch: BatchObject, input: string): void {
    if (batch.status !== 'in_progress') return;
    const result = runBatchLines(input, batch.endpoint, this.routes);
    batch.status = 'finalizing';
    batch.finalizing_at = now();
    try {
      if (result.output !== '') batch.output_file_id = this.files.create(`${batch.id}_output.jsonl`, 'batch_output', Buffer.from(result.output)).id;
      if (result.errors !== '') batch.error_file_id = this.files.create(`${batch.id}_error.jsonl`, 'batch_output', Buffer.from(result.errors)).id;
    } catch (err) {
      return this.fail(batch, 'output_too_large', (err as Error).message);
    }
    batch.request_counts = { total: result.total, completed: result.completed, failed: result.failed };
    const u = result.usage;
    batch.usage = {
      input_tokens: u.input_tokens,
      input_tokens_details: { cached_tokens: u.cached },
      output_tokens: u.output_tokens,
      output_tokens_details: { reasoning_tokens: u.reasoning },
      total_tokens: u.input_tokens + u.output_tokens,
    };
    this.after(() => {
      batch.status = 'completed';
      batch.completed_at = now();
    });
  }

  private fail(batch: BatchObject, code: string, message: string): void {
    batch.status = 'failed';
    batch.failed_at = now();
    batch.errors = { object: 'list', data: [{ code, message, param: null, line: null }] };
  }
}
