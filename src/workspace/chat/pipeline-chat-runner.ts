import type { TollgateError } from '../../errors/index.ts';
import { fail } from '../../errors/index.ts';
import type { ChatRunEnd, ChatRunEvent, ChatRunner, ChatRunRequest } from './chat-runner.ts';
import type { WorkspaceKeys } from './workspace-keys.ts';

/** What the gateway reports for an in-process call (src/gateway/in-process-call.ts has the implementation). */
export interface GatewayCallOutcome {
  requestId: string;
  error: TollgateError | undefined;
  modelServed: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costNanos: number | null;
  latencyMs: number;
}

/** The gateway's in-process chat call, injected by the composition root (the workspace does not import the gateway). */
export type GatewayChatCall = (request: { authorization: string; ip: string; body: string; signal: AbortSignal }) => {
  chunks: AsyncIterable<Buffer | string>;
  outcome: Promise<GatewayCallOutcome>;
};

/**
 * Runs workspace turns through the gateway's pipeline in-process: the same stages as a `/v1` call
 * (admission, budgets, metering, one ledger row), as the signed-in person (their short-lived
 * personal key, WorkspaceKeys), with no loopback HTTP. Tokens and cost come from the call itself,
 * exactly what its ledger row records.
 */
export class PipelineChatRunner implements ChatRunner {
  constructor(private readonly options: { call: GatewayChatCall; keys: WorkspaceKeys }) {}

  async *run(request: ChatRunRequest): AsyncGenerator<ChatRunEvent> {
    const started = performance.now();
    const body = JSON.stringify({
      model: request.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens === undefined ? {} : { max_completion_tokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    });
    let secret: string;
    try {
      secret = await this.options.keys.secretFor(request.principal);
    } catch (err) {
      yield end(started, 'error', undefined, fail('chat_unavailable', {}, { cause: err }));
      return;
    }
    const call = this.options.call({ authorization: `Bearer ${secret}`, ip: request.principal.ip ?? '127.0.0.1', body, signal: request.signal });
    let failure: TollgateError | undefined;
    for await (const data of sseData(call.chunks)) {
      if (data === '[DONE]') break;
      const chunk = parse(data);
      if (chunk?.error) {
        failure = fail('upstream_interrupted');
        continue;
      }
      const text = chunk?.choices?.[0]?.delta?.content;
      if (typeof text === 'string' && text.length > 0) yield { type: 'delta', text };
    }
    const outcome = await call.outcome;
    const error = outcome.error ?? failure;
    if (error && (error.code === 'permission_denied' || error.code === 'revoked_api_key' || error.code === 'invalid_api_key')) await this.options.keys.forget(request.principal.userId);
    yield end(started, request.signal.aborted ? 'stopped' : error ? 'error' : 'complete', outcome, request.signal.aborted ? undefined : error);
  }

  async close(): Promise<void> {
    await this.options.keys.close();
  }
}

function end(started: number, outcome: ChatRunEnd['outcome'], o: GatewayCallOutcome | undefined, error?: TollgateError): ChatRunEnd {
  return {
    type: 'end',
    outcome,
    ...(error ? { error } : {}),
    requestId: o?.requestId ?? null,
    model: o?.modelServed ?? null,
    promptTokens: o?.promptTokens ?? null,
    completionTokens: o?.completionTokens ?? null,
    costNanos: o?.costNanos ?? null,
    latencyMs: o?.latencyMs ?? Math.round(performance.now() - started),
  };
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
async function* sseData(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of chunks) {
    buffer += typeof bytes === 'string' ? bytes : decoder.decode(bytes, { stream: true });
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
