import type { Logger } from 'pino';
import { fail, TollgateError, type OpenAIErrorType } from '../../errors/index.ts';
import type { ChatRunEnd, ChatRunEvent, ChatRunner, ChatRunRequest } from './chat-runner.ts';
import type { WorkspaceKeys } from './workspace-keys.ts';

/** What the ledger recorded for a request: the runner reports these numbers, so totals match the ledger. */
export interface LedgerFacts {
  prompt_tokens: number;
  completion_tokens: number;
  cost_nanos: number | null;
  model_served: string | null;
  latency_ms: number;
}

export interface HttpChatRunnerOptions {
  /** Tollgate's own base URL (`http://127.0.0.1:PORT`); undefined while the server is not listening. */
  baseUrl: () => string | undefined;
  keys: WorkspaceKeys;
  /** The ledger row of a request id, once written (UsageLedger.get flushes first). */
  ledgerRow: (requestId: string) => Promise<LedgerFacts | undefined>;
  log?: Logger | undefined;
  /** How long to wait for the gateway's ledger row after a call ended. Default 5 s. */
  ledgerWaitMs?: number;
}

/**
 * TEMPORARY ADAPTER, replaced by the core refactor that runs workspace turns through the gateway
 * pipeline in-process with the signed-in person as the principal. Until then a turn is a real
 * `POST /v1/chat/completions` to this Tollgate over loopback HTTP, authenticated with a short-lived
 * personal key minted for the person (WorkspaceKeys): admission, budgets, metering and the ledger
 * row are the gateway's own. Tokens and cost are read back from that ledger row.
 * Known limits of the adapter: an organization IP allowlist must admit the loopback address, and
 * the minted keys appear in the person's key list while they live.
 */
export class HttpChatRunner implements ChatRunner {
  constructor(private readonly options: HttpChatRunnerOptions) {}

  async *run(request: ChatRunRequest): AsyncGenerator<ChatRunEvent> {
    const started = performance.now();
    const base = this.options.baseUrl();
    if (!base) {
      yield this.end(started, 'error', null, fail('chat_unavailable'));
      return;
    }
    const body = JSON.stringify({
      model: request.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens === undefined ? {} : { max_completion_tokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    });
    let res: Response;
    try {
      const secret = await this.options.keys.secretFor(request.principal);
      res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
        signal: request.signal,
      });
    } catch (err) {
      if (request.signal.aborted) yield this.end(started, 'stopped', null);
      else yield this.end(started, 'error', null, fail('chat_gateway_unreachable', {}, { cause: err }));
      return;
    }
    const requestId = res.headers.get('x-request-id');
    if (!res.ok) {
      const error = await errorOf(res);
      if (error.code === 'permission_denied' || error.code === 'revoked_api_key' || error.code === 'invalid_api_key') await this.options.keys.forget(request.principal.userId);
      yield await this.settled(started, 'error', requestId, error);
      return;
    }
    let failure: TollgateError | undefined;
    try {
      for await (const data of sseData(res.body!)) {
        if (data === '[DONE]') break;
        const chunk = parse(data);
        if (chunk?.error) {
          failure = relayed(chunk.error, 502);
          break;
        }
        const text = chunk?.choices?.[0]?.delta?.content;
        if (typeof text === 'string' && text.length > 0) yield { type: 'delta', text };
      }
    } catch (err) {
      if (!request.signal.aborted) failure = fail('upstream_interrupted', {}, { cause: err });
    }
    if (request.signal.aborted) yield await this.settled(started, 'stopped', requestId);
    else yield await this.settled(started, failure ? 'error' : 'complete', requestId, failure);
  }

  /** The end of a run, with tokens, cost and model from the gateway's ledger row. */
  private async settled(started: number, outcome: ChatRunEnd['outcome'], requestId: string | null, error?: TollgateError): Promise<ChatRunEnd> {
    const end = this.end(started, outcome, requestId, error);
    if (requestId === null) return end;
    const row = await this.waitForRow(requestId);
    if (!row) {
      this.options.log?.warn({ requestId }, 'workspace turn: no ledger row found for the request; its cost is unknown here');
      return end;
    }
    return { ...end, model: row.model_served, promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens, costNanos: row.cost_nanos };
  }

  private async waitForRow(requestId: string): Promise<LedgerFacts | undefined> {
    const deadline = Date.now() + (this.options.ledgerWaitMs ?? 5_000);
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      const row = await this.options.ledgerRow(requestId);
      if (row || Date.now() > deadline) return row;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private end(started: number, outcome: ChatRunEnd['outcome'], requestId: string | null, error?: TollgateError): ChatRunEnd {
    return {
      type: 'end',
      outcome,
      ...(error ? { error } : {}),
      requestId,
      model: null,
      promptTokens: null,
      completionTokens: null,
      costNanos: null,
      latencyMs: Math.round(performance.now() - started),
    };
  }

  async close(): Promise<void> {
    await this.options.keys.close();
  }
}

interface Chunk {
  choices?: { delta?: { content?: unknown } }[];
  error?: unknown;
}

function parse(data: string): Chunk | undefined {
  try {
    return JSON.parse(data) as Chunk;
  } catch {
    return undefined;
  }
}

/** The `data:` payloads of a server-sent event stream, one per event. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let m: RegExpExecArray | null;
    while ((m = /\r?\n\r?\n/.exec(buffer)) !== null) {
      const block = buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
      const data = block
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) yield data;
    }
  }
}

async function errorOf(res: Response): Promise<TollgateError> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (parsed.error) return relayed(parsed.error, res.status);
  } catch {
    // not JSON: fall through
  }
  return fail('chat_gateway_error', { status: res.status });
}

/**
 * RELAY: the gateway's own error (its code, type and message were chosen by the gateway's table or
 * by OpenAI), rebuilt as it was sent so the turn reports it unchanged. Goes away with this adapter.
 */
function relayed(value: unknown, status: number): TollgateError {
  const e = (value ?? {}) as { message?: unknown; type?: unknown; code?: unknown; param?: unknown };
  const type = (typeof e.type === 'string' ? e.type : 'api_error') as OpenAIErrorType;
  return new TollgateError(typeof e.code === 'string' ? e.code : 'upstream_error', typeof e.message === 'string' ? e.message : 'The model call failed.', {
    status,
    type,
    param: typeof e.param === 'string' ? e.param : null,
  });
}

/**
 * The URL this process reaches its own listening socket at: a wildcard address (0.0.0.0, ::)
 * becomes loopback. Undefined when not listening on TCP.
 * @example loopbackBaseUrl({ address: '0.0.0.0', family: 'IPv4', port: 8080 }) // 'http://127.0.0.1:8080'
 */
export function loopbackBaseUrl(address: string | { address: string; family: string; port: number } | null): string | undefined {
  if (address === null || typeof address === 'string') return undefined;
  const ipv6 = address.family === 'IPv6' || address.address.includes(':');
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${ipv6 ? `[${host}]` : host}:${address.port}`;
}
