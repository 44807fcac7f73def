/**
 * `/v1/files` and `/v1/batches` of the simulator. Unlike the model endpoints
 * they read their own body (an upload is multipart, bounded by the file
 * store's per-file limit) and may answer raw bytes (a file's content).
 */
import type { IncomingMessage } from 'node:http';
import { readBodyText, parseJsonText, requireJson } from './body-reader.ts';
import { BatchStore } from './batch-store.ts';
import { FileStore, type FileStoreLimits } from './file-store.ts';
import { SimulatorHttpError, invalidUrl, invalidValue, missingParameter } from './openai-error.ts';
import { expectObjectBody } from './request-checks.ts';
import type { RouteTable } from './route-table.ts';

/** What a files or batches route answers. */
export type ResourceResult = { type: 'json'; status: number; body: unknown } | { type: 'bytes'; status: number; contentType: string; body: Buffer };

/** Purposes an upload may name (CreateFileRequest). */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

const json = (body: unknown, status = 200): ResourceResult => ({ type: 'json', status, body });

/** Whether a path belongs to these routes. */
export function isFilesOrBatchesPath(path: string): boolean {
  return path === '/v1/files' || path.startsWith('/v1/files/') || path === '/v1/batches' || path.startsWith('/v1/batches/');
}

/** The files and batches of one simulator. */
export class FilesAndBatches {
  readonly files: FileStore;
  readonly batches: BatchStore;

  constructor(routes: RouteTable, options: { limits?: FileStoreLimits | undefined; batchStepMs?: number | undefined }) {
    this.files = new FileStore(options.limits);
    this.batches = new BatchStore(this.files, routes, options.batchStepMs ?? 30);
  }

  async handle(method: string, path: string, query: URLSearchParams, req: IncomingMessage): Promise<ResourceResult> {
    const parts = path.slice(4).split('/').map(decode);
    const [kind, id, action] = parts;
    if (kind === 'files') {
      if (parts.length === 1 && method === 'POST') return json(await this.upload(req));
      if (parts.length === 1 && method === 'GET') {
        const order = query.get('order') ?? 'desc';
        if (order !== 'asc' && order !== 'desc') throw invalidValue('order', order, ['asc', 'desc']);
        const list = this.files.list({ purpose: query.get('purpose') ?? undefined, after: query.get('after') ?? undefined, limit: limitOf(query, 10_000, 10_000), order });
        return json(listBody(list));
      }
      if (parts.length === 2 && method === 'GET') return json(this.files.get(id!));
      if (parts.length === 2 && method === 'DELETE') return json(this.files.delete(id!));
      if (parts.length === 3 && action === 'content' && method === 'GET') {
        return { type: 'bytes', status: 200, contentType: 'application/octet-stream', body: this.files.content(id!) };
      }
    } else if (kind === 'batches') {
      if (parts.length === 1 && method === 'POST') return json(this.batches.create(expectObjectBody(requireJson(parseJsonText(await readBodyText(req))) ?? {})));
      if (parts.length === 1 && method === 'GET') return json(listBody(this.batches.list(query.get('after') ?? undefined, limitOf(query, 100, 20))));
      if (parts.length === 2 && method === 'GET') return json(this.batches.get(id!));
      if (parts.length === 3 && action === 'cancel' && method === 'POST') return json(this.batches.cancel(id!));
    }
    throw invalidUrl(method, path);
  }

  close(): void {
    this.batches.close();
  }

  /** POST /v1/files: multipart with `purpose` and `file`, read up to the per-file limit. */
  private async upload(req: IncomingMessage) {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*;/i.test(type)) {
      throw new SimulatorHttpError(400, "Invalid Content-Type header (expected 'multipart/form-data').", 'invalid_request_error', null, null);
    }
    const raw = await readBounded(req, this.files.limits.maxFileBytes + 64 * 1024);
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    } catch {
      throw new SimulatorHttpError(400, 'The multipart body could not be parsed.', 'invalid_request_error', null, null);
    }
    const purpose = form.get('purpose');
    const file = form.get('file');
    if (purpose === null) throw missingParameter('purpose');
    if (typeof purpose !== 'string' || !(UPLOAD_PURPOSES as readonly string[]).includes(purpose)) throw invalidValue('purpose', purpose, UPLOAD_PURPOSES);
    if (file === null || typeof file === 'string') throw missingParameter('file');
    const content = Buffer.from(await file.arrayBuffer());
    if (purpose === 'batch') checkJsonl(content);
    return this.files.create(file.name || 'upload', purpose, content);
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function limitOf(query: URLSearchParams, max: number, fallback: number): number {
  const raw = query.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new SimulatorHttpError(400, `Invalid 'limit': expected an integer between 1 and ${max}.`, 'invalid_request_error', 'limit', 'invalid_value');
  return n;
}

function listBody(list: { data: { id: string }[]; hasMore: boolean }) {
  return { object: 'list', data: list.data, first_id: list.data[0]?.id ?? null, last_id: list.data.at(-1)?.id ?? null, has_more: list.hasMore };
}

/** A batch input file must be JSONL: every non-empty line a JSON object. */
function checkJsonl(content: Buffer): void {
  const lines = content.toString('utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let ok = false;
    try {
      const v = JSON.parse(line) as unknown;
      ok = v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      ok = false;
    }
    if (!ok) throw new SimulatorHttpError(400, `Invalid file format for Batch API: line ${i + 1} is not a JSON object.`, 'invalid_request_error', 'file', 'invalid_file_format');
  });
}

async function readBounded(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit the rest is read and dropped, so the client gets the 413 instead of a reset.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  if (size > max) throw new SimulatorHttpError(413, `File is too large for the simulator (limit ${max} bytes).`, 'invalid_request_error', 'file', 'file_too_large');
  return Buffer.concat(chunks, size);
}
