import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/index.ts';

/** What a files or batches request asks for. */
export type ResourceAction =
  | 'file.create'
  | 'file.list'
  | 'file.get'
  | 'file.delete'
  | 'file.content'
  | 'batch.create'
  | 'batch.list'
  | 'batch.get'
  | 'batch.cancel';

interface ResourceRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** The route pattern, as the ledger and the route list name it. */
  route: string;
  action: ResourceAction;
  /** The key scope that allows it. */
  scope: 'files' | 'batches';
  summary: string;
}

/** The nine routes of OpenAI's Files and Batch APIs that the gateway passes through. */
export const FILES_BATCHES_ROUTES: readonly ResourceRoute[] = [
  { method: 'POST', route: '/v1/files', action: 'file.create', scope: 'files', summary: "Uploads a file (multipart 'purpose' and 'file'), streamed to the upstream." },
  { method: 'GET', route: '/v1/files', action: 'file.list', scope: 'files', summary: "The caller's files (never another organization's)." },
  { method: 'GET', route: '/v1/files/:id', action: 'file.get', scope: 'files', summary: 'One of the caller’s files.' },
  { method: 'DELETE', route: '/v1/files/:id', action: 'file.delete', scope: 'files', summary: 'Deletes one of the caller’s files.' },
  { method: 'GET', route: '/v1/files/:id/content', action: 'file.content', scope: 'files', summary: 'The content of one of the caller’s files, streamed.' },
  { method: 'POST', route: '/v1/batches', action: 'batch.create', scope: 'batches', summary: "Creates a batch from one of the caller's files, after checking every line's model and endpoint." },
  { method: 'GET', route: '/v1/batches', action: 'batch.list', scope: 'batches', summary: "The caller's batches." },
  { method: 'GET', route: '/v1/batches/:id', action: 'batch.get', scope: 'batches', summary: 'One of the caller’s batches (metered at batch prices once it completes).' },
  { method: 'POST', route: '/v1/batches/:id/cancel', action: 'batch.cancel', scope: 'batches', summary: 'Cancels one of the caller’s batches.' },
];

/** Whether a path belongs to the files and batches routes (decided before the model pipeline). */
export function isFilesOrBatchesPath(path: string): boolean {
  return path === '/v1/files' || path.startsWith('/v1/files/') || path === '/v1/batches' || path.startsWith('/v1/batches/');
}

/** The route a request asks for and its `:id`; undefined for anything else under these paths. */
export function matchResource(method: string, path: string): { route: ResourceRoute; id: string | undefined } | undefined {
  const parts = path.slice(4).split('/');
  if (parts.some((p) => p === '') || parts.length > 3) return undefined;
  let id: string | undefined;
  if (parts.length >= 2) {
    try {
      id = decodeURIComponent(parts[1]!);
    } catch {
      return undefined;
    }
  }
  const pattern = parts.length === 1 ? `/v1/${parts[0]}` : parts.length === 2 ? `/v1/${parts[0]}/:id` : `/v1/${parts[0]}/:id/${parts[2]}`;
  const route = FILES_BATCHES_ROUTES.find((r) => r.method === method && r.route === pattern);
  return route && { route, id };
}

// What the document shows of the two request bodies (the handlers check them field by field, with OpenAI's errors).
const UploadFields = z.object({ purpose: z.enum(['batch', 'user_data']), file: z.string().describe('The file itself (binary); a batch file is JSONL in the batch input format') });
const BatchBody = z.object({
  input_file_id: z.string().describe("A file of the caller's, uploaded with purpose batch"),
  endpoint: z.enum(['/v1/chat/completions', '/v1/responses', '/v1/embeddings', '/v1/completions', '/v1/moderations']),
  completion_window: z.literal('24h'),
  metadata: z.record(z.string(), z.string()).optional(),
});

/** The routes as declarations: for the permission list and the OpenAPI document. */
export function filesBatchesRouteDocs(): AnyRoute[] {
  return FILES_BATCHES_ROUTES.map((r) => {
    const body: { body?: z.ZodType; bodyMediaType?: string } = r.action === 'file.create' ? { body: UploadFields, bodyMediaType: 'multipart/form-data' } : r.action === 'batch.create' ? { body: BatchBody } : {};
    return defineRoute({ method: r.method, path: r.route, permission: 'gateway.call', summary: r.summary, gateway: true, ...body });
  });
}
