import type { Readable } from 'node:stream';
import { Pool, type buildConnector, type Dispatcher } from 'undici';

/** How a pool opens its connections (undici's connector): the outbound address check for API-set deployments. */
export type UpstreamConnector = buildConnector.connector;

export interface UpstreamOptions {
  /** e.g. `https://api.openai.com/v1`; request paths are appended to its path. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; omitted when undefined (local servers such as Ollama). */
  apiKey: string | undefined;
  /** Time allowed for response headers. */
  headersTimeoutMs: number;
  /** Longest silence between two chunks of a response body: a stalled stream ends after this. */
  bodyIdleTimeoutMs: number;
  connections?: number;
  /** The authentication headers to send instead of `Authorization: Bearer <apiKey>` (Azure's `api-key`). */
  authHeaders?: Record<string, string> | undefined;
  /** Opens the connections (e.g. the outbound address check); undici's own connector when undefined. */
  connect?: UpstreamConnector | undefined;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, e.g. `/chat/completions`. */
  path: string;
  body?: string | Buffer | undefined;
  signal?: AbortSignal | undefined;
}

/** One OpenAI-compatible upstream, reached over a keep-alive connection pool. */
export class UpstreamClient {
  readonly baseUrl: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly getHeaders: Record<string, string>;
  private readonly postHeaders: Record<string, string>;
  private readonly authHeaders: Record<string, string>;

  constructor(private readonly options: UpstreamOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = options.baseUrl;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 256,
      keepAliveTimeout: 30_000,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyIdleTimeoutMs,
      ...(options.connect ? { connect: options.connect } : {}),
    });
    // Built once: the hot path reuses these objects instead of building headers per request.
    const auth: Record<string, string> = options.authHeaders ?? (options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {});
    this.authHeaders = auth;
    this.getHeaders = { ...auth, accept: 'application/json' };
    this.postHeaders = { ...auth, 'content-type': 'application/json' };
  }

  request(req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    return this.pool.request({
      method: req.method,
      path: this.basePath + req.path,
      headers: req.method === 'POST' ? this.postHeaders : this.getHeaders,
      body: req.body ?? null,
      signal: req.signal ?? null,
    });
  }

  /**
   * A request with its own headers and any body (a stream is sent as it is read): the Files and
   * Batch API pass-through (multipart uploads, DELETE). The upstream's credentials are added here.
   */
  send(req: { method: 'GET' | 'POST' | 'DELETE'; path: string; headers?: Record<string, string>; body?: string | Buffer | Readable | null; signal?: AbortSignal }): Promise<Dispatcher.ResponseData> {
    return this.pool.request({
      method: req.method,
      path: this.basePath + req.path,
      headers: { accept: 'application/json', ...req.headers, ...this.authHeaders },
      body: req.body ?? null,
      signal: req.signal ?? null,
    });
  }

  /** Removes the upstream key from text that came from the upstream (error messages may echo it). */
  redact(text: string): string {
    const key = this.options.apiKey;
    return key && text.includes(key) ? text.split(key).join('[redacted]') : text;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Aborts requests still in flight (a stalled stream would keep `close` waiting forever). */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
