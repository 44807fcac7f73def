/**
 * The simulator's HTTP server: one pipeline per request that records it,
 * authenticates, applies faults, runs the endpoint handler and frames the
 * answer (JSON or SSE) with OpenAI's headers.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAuthorization } from './auth-check.ts';
import { parseJsonText, readBodyText, requireJson, type ParsedBody } from './body-reader.ts';
import { CONTROL_PREFIX, handleControl, parseFaultHeader } from './control-api.ts';
import type { EndpointResult } from './endpoint-types.ts';
import { FaultQueue, applyFaultList, type AppliedFaults } from './fault-queue.ts';
import { FilesAndBatches, isFilesOrBatchesPath } from './files-batches-routes.ts';
import { statusFaultError } from './fault-response.ts';
import type { StreamFault } from './fault-types.ts';
import { hexId } from './id-generator.ts';
import { SimulatorHttpError, invalidUrl } from './openai-error.ts';
import { RateLimitTracker } from './rate-limit-tracker.ts';
import { expectObjectBody } from './request-checks.ts';
import { createModelCatalog } from './model-catalog.ts';
import { createRouteTable } from './route-table.ts';
import type { RecordedRequest, Simulator, SimulatorOptions } from './simulator-types.ts';
import { malformedVariant, writeSseStream } from './sse-writer.ts';

const MAX_RECORDED_REQUESTS = 200;
const JSON_TYPE = 'application/json';

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function recordedBody(parsed: ParsedBody): unknown {
  if (!parsed.ok) return parsed.raw;
  return parsed.value ?? null;
}

function bearerKey(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match?.[1]?.trim();
}

/** Per-request values the response framing needs. */
interface ResponseContext {
  requestId: string;
  started: number;
  rateLimitHeaders: Record<string, string>;
}

function baseHeaders(ctx: ResponseContext, contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'x-request-id': ctx.requestId,
    'openai-processing-ms': String(Math.max(1, Math.round(performance.now() - ctx.started))),
    'openai-version': '2020-10-01',
    'openai-organization': 'tollgate-simulator',
    ...ctx.rateLimitHeaders,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function whenClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.closed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

/** Stream faults on a non-streaming response: no body, a dropped socket, or cut-off JSON. */
async function sendFaultedJson(res: ServerResponse, fault: StreamFault, body: unknown, headers: Record<string, string>): Promise<void> {
  if (fault.kind === 'stall') {
    await whenClosed(res);
    return;
  }
  if (fault.kind === 'break') {
    res.destroy();
    return;
  }
  const text = malformedVariant(`data: ${JSON.stringify(body)}`).slice('data: '.length).trimEnd();
  res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Creates a simulator; call `listen()` to start it. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const rateLimits = new RateLimitTracker();
  const routes = createRouteTable(createModelCatalog(options.models));
  const filesAndBatches = new FilesAndBatches(routes, { limits: options.fileLimits, batchStepMs: options.batchStepMs });
  let url = '';

  const record = (entry: RecordedRequest): void => {
    requests.push(entry);
    if (requests.length > MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS);
  };

  async function deliver(res: ServerResponse, ctx: ResponseContext, result: EndpointResult, applied: AppliedFaults): Promise<void> {
    ctx.rateLimitHeaders = rateLimits.record(result.tokens);
    const outcome = applied.outcome?.kind === 'status' ? undefined : applied.outcome;
    if (result.type === 'json') {
      const headers = baseHeaders(ctx, JSON_TYPE);
      if (outcome !== undefined) await sendFaultedJson(res, outcome, result.body, headers);
      else sendJson(res, result.status, result.body, headers);
      return;
    }
    if (res.destroyed) return;
    res.writeHead(200, { ...baseHeaders(ctx, 'text/event-stream; charset=utf-8'), 'cache-control': 'no-cache' });
    await writeSseStream(res, result.events, { fault: outcome, chunkDelayMs: applied.latency?.chunk_ms ?? 0 });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx: ResponseContext = { requestId: hexId('req_', 32), started: performance.now(), rateLimitHeaders: {} };
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    try {
      if (isFilesOrBatchesPath(path)) {
        // These routes read their own body (an upload is multipart) and may answer raw bytes.
        const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
        record({ method, path, query, headers: flattenHeaders(req.headers), body: null, requestId: ctx.requestId, receivedAt: Date.now() });
        if (options.apiKey !== undefined) checkAuthorization(req.headers.authorization, options.apiKey);
        const result = await filesAndBatches.handle(method, path, new URLSearchParams(query), req);
        ctx.rateLimitHeaders = rateLimits.record(0);
        if (result.type === 'json') {
          sendJson(res, result.status, result.body, baseHeaders(ctx, JSON_TYPE));
        } else if (!res.destroyed) {
          res.writeHead(result.status, { ...baseHeaders(ctx, result.contentType), 'content-length': String(result.body.length) });
          res.end(result.body);
        }
        return;
      }
      const rawBody = await readBodyText(req);
      const parsed = parseJsonText(rawBody);

      if (path.startsWith(CONTROL_PREFIX)) {
        const reply = handleControl(method, path, requireJson(parsed), { faults, requests });
        sendJson(res, reply.status, reply.body, baseHeaders(ctx, JSON_TYPE));
        return;
      }

      record({
        method,
        path,
        query: queryAt === -1 ? '' : rawUrl.slice(queryAt + 1),
        headers: flattenHeaders(req.headers),
        body: recordedBody(parsed),
        requestId: ctx.requestId,
        receivedAt: Date.now(),
      });

      if (options.apiKey !== undefined) checkAuthorization(req.headers.authorization, options.apiKey);
      const headerFaults = parseFaultHeader(req.headers['x-simulator-fault']);
      const route = routes(method, path);
      if (route === undefined) throw invalidUrl(method, path);
      const body = method === 'GET' ? {} : expectObjectBody(requireJson(parsed) ?? {});

      const model = typeof body['model'] === 'string' ? body['model'] : undefined;
      const applied = headerFaults !== undefined
        ? applyFaultList(headerFaults)
        : faults.take({ path, model, stream: body['stream'] === true });
      if (applied.latency !== undefined && applied.latency.ms > 0) await sleep(applied.latency.ms);
      if (applied.outcome?.kind === 'status') {
        throw statusFaultError(applied.outcome, { method, path, model, apiKey: bearerKey(req.headers.authorization) }, rateLimits);
      }

      const result = route.handler({ method, path, param: route.param, body, rawBody });
      await deliver(res, ctx, result, applied);
    } catch (error) {
      if (error instanceof SimulatorHttpError) {
        const rateLimitHeaders = error.status === 429 ? {} : rateLimits.record(0);
        ctx.rateLimitHeaders = rateLimitHeaders;
        sendJson(res, error.status, error.body, { ...baseHeaders(ctx, JSON_TYPE), ...error.headers });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 500, { error: { message: `Simulator failure: ${message}`, type: 'server_error', param: null, code: null } }, baseHeaders(ctx, JSON_TYPE));
    }
  }

  const server = createServer({ keepAliveTimeout: 30_000, noDelay: true }, (req, res) => {
    // A client that disconnects mid-write makes the response emit 'error'; nothing to do about it.
    res.on('error', () => {});
    void handle(req, res);
  });

  return {
    get url() {
      return url;
    },
    faults,
    requests,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          url = `http://${shownHost}:${address.port}`;
          resolve(url);
        });
      });
    },
    close() {
      filesAndBatches.close();
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close((error) => (error ? reject(error) : resolve()));
        // Stalled streams and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
