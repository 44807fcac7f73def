import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { admitKeyUse, type KeyService, type Principal } from '../../access/index.ts';
import { fail, toTollgateError } from '../../errors/index.ts';
import type { BudgetService } from '../../metering/budgets/index.ts';
import type { UpstreamClient } from '../../upstream/index.ts';
import { newCall, type GatewayCall } from '../pipeline/call-context.ts';
import { HttpSink } from '../pipeline/call-sink.ts';
import { readBuffer } from '../pipeline/call.ts';
import { readRequestBody } from '../pipeline/request-body.ts';
import type { Stage } from '../pipeline/stage.ts';
import { upstreamError } from '../upstream-error.ts';
import { BATCH_HOLD_MS, budgetSubjectOf, checkBatchCreate, checkInputLines, lineWorstCase, type InputLimits } from './batch-admission.ts';
import type { PriceCatalog } from '../../metering/prices/index.ts';
import type { BatchMeter } from './batch-metering.ts';
import { matchResource, type ResourceAction } from './files-batches-endpoints.ts';
import { FINAL_STATUSES, ownerOf, type ObjectRegistry, type Owner } from './object-registry.ts';
import { relayUpload } from './upload-relay.ts';
import type { UpstreamBatchTable } from '../../state/index.ts';

/** Purposes a file may be uploaded with through Tollgate: the ones whose use it governs. */
export const UPLOAD_PURPOSES: readonly string[] = ['batch', 'user_data'];

export interface FilesBatchesDeps {
  keys: KeyService;
  registry: ObjectRegistry;
  /** The default deployment: the upstream account the files and batches live in. */
  upstream: UpstreamClient;
  meter: BatchMeter;
  budgets: BudgetService | undefined;
  catalog: PriceCatalog;
  /** The gateway's record stage: the ledger row, audit record and log line of every call. */
  record: Stage;
  log: Logger;
  uploadLimitBytes: number;
  bodyLimitBytes: number;
  batchInput: InputLimits;
  newRequestId: () => string;
  clientAddress: (req: IncomingMessage) => string;
}

type Reply = { kind: 'json'; status: number; body: Buffer } | { kind: 'stream'; status: number; headers: Record<string, string>; body: Readable };

interface Ctx {
  call: GatewayCall;
  req: IncomingMessage;
  principal: Principal;
  owner: Owner;
  id: string | undefined;
  query: URLSearchParams;
  signal: AbortSignal;
}

/**
 * /v1/files and /v1/batches: OpenAI's Files and Batch APIs passed through to the default upstream,
 * with Tollgate's keys, scopes (`files`, `batches`) and isolation. The upstream account is shared by
 * every organization: each object made through Tollgate is recorded with its owner, a caller sees
 * only its own (another's id is answered 404, lists come from the record, never the upstream's), and
 * a finished batch is metered at batch prices (batch-metering.ts). Every call gets its ledger row.
 */
export class FilesBatchesGateway {
  constructor(private readonly deps: FilesBatchesDeps) {}

  /** The HTTP handler for paths under /v1/files and /v1/batches. */
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => void this.handle(req, res);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const d = this.deps;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const match = matchResource(method, path);
    const call = newCall({ requestId: d.newRequestId(), method, target: undefined, path: match?.route.route ?? path, ip: d.clientAddress(req), headers: req.headers, sink: new HttpSink(res), bodySource: req });
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const auth = req.headers.authorization;
      const principal = (call.principal = d.keys.cachedPrincipal(auth) ?? (await d.keys.authenticate(auth)));
      if (!match) throw fail('unknown_url', { method, path });
      admitKeyUse(principal, call.ip, match.route.scope);
      if (!principal.gatewayAllowed) throw fail('permission_denied', { what: "perform 'gateway.call'" });
      d.keys.touch(principal, call.ip);
      const ctx: Ctx = { call, req, principal, owner: ownerOf(principal), id: match.id, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)), signal: abort.signal };
      const reply = await this.run(match.route.action, ctx);
      call.status = reply.status;
      if (reply.kind === 'json') {
        res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': reply.body.length, 'x-request-id': call.requestId });
        res.end(reply.body);
      } else {
        res.writeHead(reply.status, { ...reply.headers, 'x-request-id': call.requestId });
        await pipeline(reply.body, res).catch((err: unknown) => {
          call.errorCode = abort.signal.aborted ? 'client_closed' : 'upstream_interrupted';
          d.log.debug({ err, reqId: call.requestId }, 'file content relay ended early');
        });
      }
    } catch (err) {
      const e = toTollgateError(err);
      call.error = e;
      call.status = e.status;
      call.errorCode = e.code;
      if (e.status >= 500 && e.code === 'internal_error') d.log.error({ err, reqId: call.requestId }, 'request failed');
      if (!req.readableEnded) req.resume();
      if (res.headersSent || res.destroyed) {
        res.destroy();
      } else {
        const body = JSON.stringify(e.toBody());
        res.writeHead(e.status, { ...e.responseHeaders(), 'x-request-id': call.requestId, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    }
    try {
      await d.record.run(call);
    } catch (err) {
      d.log.error({ err, reqId: call.requestId }, 'gateway stage failed');
    }
  }

  private run(action: ResourceAction, ctx: Ctx): Promise<Reply> {
    switch (action) {
      case 'file.create':
        return this.createFile(ctx);
      case 'file.list':
        return this.listFiles(ctx);
      case 'file.get':
        return this.ownFile(ctx).then(() => this.relayJson('GET', `/files/${enc(ctx.id)}`, ctx.signal));
      case 'file.delete':
        return this.deleteFile(ctx);
      case 'file.content':
        return this.fileContent(ctx);
      case 'batch.create':
        return this.createBatch(ctx);
      case 'batch.list':
        return this.listBatches(ctx);
      case 'batch.get':
        return this.ownBatch(ctx).then(async (row) => json(200, (await this.refresh(row, ctx.signal)).text));
      case 'batch.cancel':
        return this.cancelBatch(ctx);
    }
  }

  private async createFile(ctx: Ctx): Promise<Reply> {
    const d = this.deps;
    const res = await relayUpload(ctx.req, d.upstream, d.uploadLimitBytes, ctx.signal);
    const text = await okText(res, d.upstream);
    const file = parseObject(text) as { id?: unknown; purpose?: unknown };
    if (typeof file.id !== 'string' || typeof file.purpose !== 'string') throw fail('upstream_invalid_response');
    if (!UPLOAD_PURPOSES.includes(file.purpose)) {
      // Known only once the upstream has read the whole form: the file is removed again.
      await d.upstream.send({ method: 'DELETE', path: `/files/${enc(file.id)}` }).then((r) => r.body.dump(), () => undefined);
      throw fail('file_purpose_not_allowed', { purpose: file.purpose, allowed: UPLOAD_PURPOSES.join(', ') });
    }
    await d.registry.addFile(file.id, ctx.owner, file.purpose, text, Date.now());
    return json(res.statusCode, text);
  }

  private async listFiles(ctx: Ctx): Promise<Reply> {
    const order = ctx.query.get('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw fail('invalid_parameter', { param: 'order', reason: "expected 'asc' or 'desc'" });
    const limit = limitOf(ctx.query, 10_000, 10_000);
    const rows = await this.deps.registry.files(ctx.owner, { purpose: ctx.query.get('purpose') ?? undefined, after: ctx.query.get('after') ?? undefined, limit: limit + 1, order });
    return json(200, listText(rows.slice(0, limit).map((r) => r.object), rows.slice(0, limit).map((r) => r.id), rows.length > limit));
  }

  private async deleteFile(ctx: Ctx): Promise<Reply> {
    await this.ownFile(ctx);
    const reply = await this.relayJson('DELETE', `/files/${enc(ctx.id)}`, ctx.signal);
    await this.deps.registry.deleteFile(ctx.id!);
    return reply;
  }

  private async fileContent(ctx: Ctx): Promise<Reply> {
    await this.ownFile(ctx);
    const res = await this.deps.upstream.send({ method: 'GET', path: `/files/${enc(ctx.id)}/content`, signal: ctx.signal }).catch(unreachable);
    if (res.statusCode >= 400) await okText(res, this.deps.upstream);
    const headers: Record<string, string> = { 'content-type': str(res.headers['content-type']) ?? 'application/octet-stream' };
    const length = str(res.headers['content-length']);
    if (length !== undefined) headers['content-length'] = length;
    return { kind: 'stream', status: res.statusCode, headers, body: res.body };
  }

  private async createBatch(ctx: Ctx): Promise<Reply> {
    const d = this.deps;
    const raw = await readRequestBody(ctx.call, d.bodyLimitBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw fail('invalid_json', { reason: 'it is not valid JSON' });
    }
    const batch = checkBatchCreate(body, ctx.principal, ctx.call.ip);
    const file = await d.registry.file(batch.input_file_id, ctx.owner);
    if (!file) throw fail('file_not_found', { id: batch.input_file_id }, { param: 'input_file_id' });
    if (file.purpose !== 'batch') throw fail('invalid_parameter', { param: 'input_file_id', reason: `the file has purpose '${file.purpose}'; a batch needs a file with purpose 'batch'` });
    const at = Date.now();
    const subject = budgetSubjectOf(d.budgets, ctx.principal);
    const content = await d.upstream.send({ method: 'GET', path: `/files/${enc(file.id)}/content`, signal: ctx.signal }).catch(unreachable);
    if (content.statusCode >= 400) await okText(content, d.upstream);
    let checked: Awaited<ReturnType<typeof checkInputLines>>;
    try {
      checked = await checkInputLines(content.body as AsyncIterable<Buffer>, batch, ctx.principal, d.batchInput, subject && lineWorstCase(d.catalog, ctx.principal, batch.endpoint, at));
    } finally {
      if (!content.body.readableEnded) content.body.destroy();
    }
    // The worst case at batch prices is held on every budget that applies until the batch is metered
    // (429 budget_exceeded when it does not fit); the hold is kept by id, so any instance settles it.
    const hold = subject && (await d.budgets!.reserve(subject, checked.worstCase, at, { ttlMs: BATCH_HOLD_MS }));
    try {
      // What was checked is what is sent: the parsed body again, not the raw text (a duplicated
      // "input_file_id" could otherwise name one file to Tollgate and another to an upstream that reads the first).
      const res = await d.upstream.send({ method: 'POST', path: '/batches', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ctx.signal }).catch(unreachable);
      const text = await okText(res, d.upstream);
      const created = parseObject(text) as { id?: unknown; status?: unknown };
      if (typeof created.id !== 'string') throw fail('upstream_invalid_response');
      const held = hold?.id ? { id: hold.id, nanos: checked.worstCase } : undefined;
      await d.registry.addBatch(created.id, ctx.owner, batch.endpoint, batch.input_file_id, typeof created.status === 'string' ? created.status : 'validating', text, Date.now(), held);
      return json(res.statusCode, text);
    } catch (err) {
      await hold?.release();
      throw err;
    }
  }

  private async listBatches(ctx: Ctx): Promise<Reply> {
    const limit = limitOf(ctx.query, 100, 20);
    const rows = await this.deps.registry.batches(ctx.owner, { after: ctx.query.get('after') ?? undefined, limit: limit + 1 });
    const page = rows.slice(0, limit);
    // Unfinished batches are looked up again; finished ones do not change.
    const objects = await Promise.all(page.map((r) => (FINAL_STATUSES.has(r.status) ? r.object : this.refresh(r, ctx.signal).then((x) => x.text, () => r.object))));
    return json(200, listText(objects, page.map((r) => r.id), rows.length > limit));
  }

  private async cancelBatch(ctx: Ctx): Promise<Reply> {
    const row = await this.ownBatch(ctx);
    const res = await this.deps.upstream.send({ method: 'POST', path: `/batches/${enc(row.id)}/cancel`, signal: ctx.signal }).catch(unreachable);
    const text = await okText(res, this.deps.upstream);
    const status = (parseObject(text) as { status?: unknown }).status;
    if (typeof status === 'string') await this.deps.registry.updateBatch(row.id, status, text);
    return json(res.statusCode, text);
  }

  /**
   * Looks a batch up at the upstream, keeps its last state, registers its output files to its owner
   * once it is finished, and meters it (once) when it has finished. Used by retrievals and the poller.
   */
  async refresh(row: UpstreamBatchTable, signal?: AbortSignal): Promise<{ text: string }> {
    const d = this.deps;
    const res = await d.upstream.send({ method: 'GET', path: `/batches/${enc(row.id)}`, ...(signal ? { signal } : {}) }).catch(unreachable);
    const text = await okText(res, d.upstream);
    const batch = parseObject(text) as { status?: unknown; output_file_id?: unknown; error_file_id?: unknown };
    const status = typeof batch.status === 'string' ? batch.status : row.status;
    if (text !== row.object) await d.registry.updateBatch(row.id, status, text);
    if (FINAL_STATUSES.has(status)) {
      const owner = { orgId: row.org_id, teamId: row.team_id, keyId: row.key_id, userId: row.user_id };
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (typeof fileId === 'string' && fileId !== '') await this.registerOutput(fileId, owner);
      }
      if (row.metering === 'pending') await d.meter.meterIfFinished(row, batch as Parameters<BatchMeter['meterIfFinished']>[1]);
    }
    return { text };
  }

  /** A batch's output or error file belongs to the batch's owner (it was made by the upstream, not uploaded). */
  private async registerOutput(fileId: string, owner: Owner): Promise<void> {
    const d = this.deps;
    if (await d.registry.fileExists(fileId)) return;
    const res = await d.upstream.send({ method: 'GET', path: `/files/${enc(fileId)}` }).catch(unreachable);
    const text = await okText(res, d.upstream);
    await d.registry.addFileIfAbsent(fileId, owner, 'batch_output', text, Date.now());
  }

  private async ownFile(ctx: Ctx) {
    const row = await this.deps.registry.file(ctx.id!, ctx.owner);
    if (!row) throw fail('file_not_found', { id: ctx.id! });
    return row;
  }

  private async ownBatch(ctx: Ctx) {
    const row = await this.deps.registry.batch(ctx.id!, ctx.owner);
    if (!row) throw fail('batch_not_found', { id: ctx.id! });
    return row;
  }

  private async relayJson(method: 'GET' | 'DELETE', path: string, signal: AbortSignal): Promise<Reply> {
    const res = await this.deps.upstream.send({ method, path, signal }).catch(unreachable);
    return json(res.statusCode, await okText(res, this.deps.upstream));
  }
}

const enc = (id: string | undefined) => encodeURIComponent(id ?? '');
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const json = (status: number, text: string): Reply => ({ kind: 'json', status, body: Buffer.from(text) });

function unreachable(err: unknown): never {
  throw fail((err as { name?: string }).name === 'AbortError' ? 'client_closed' : 'upstream_unreachable', {}, { cause: err });
}

/** The upstream's answer as text; its errors relayed in OpenAI's shape (its key never shown). */
async function okText(res: Dispatcher.ResponseData, upstream: UpstreamClient): Promise<string> {
  const text = (await readBuffer(res)).toString('utf8');
  if (res.statusCode >= 400) throw upstreamError(res.statusCode, text, res.headers, (s) => upstream.redact(s));
  return text;
}

function parseObject(text: string): object {
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object') return v;
  } catch {
    // below
  }
  throw fail('upstream_invalid_response');
}

function limitOf(query: URLSearchParams, max: number, fallback: number): number {
  const raw = query.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw fail('invalid_parameter', { param: 'limit', reason: `expected an integer from 1 to ${max}` });
  return n;
}

/** OpenAI's list object over stored JSON objects, built as text (the objects are not parsed again). */
function listText(objects: string[], ids: string[], hasMore: boolean): string {
  return `{"object":"list","data":[${objects.join(',')}],"first_id":${JSON.stringify(ids[0] ?? null)},"last_id":${JSON.stringify(ids.at(-1) ?? null)},"has_more":${hasMore}}`;
}
