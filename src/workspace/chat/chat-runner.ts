import type { TollgateError } from '../../errors/index.ts';

/** The person a chat turn runs as: their spend, budgets and permissions apply. */
export interface ChatPrincipal {
  userId: string;
  orgId: string;
}

/** One message of the history sent to the model. */
export interface ChatRunMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat completion to run for a person. */
export interface ChatRunRequest {
  principal: ChatPrincipal;
  model: string;
  messages: readonly ChatRunMessage[];
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** The conversation the call belongs to (its ledger row is linked to it through the stored message). */
  conversationId: string;
  /** Aborting stops the model call; the run then ends with outcome `stopped`, billed as the gateway billed it. */
  signal: AbortSignal;
}

/** How a run ended, with what the gateway metered for it. */
export interface ChatRunEnd {
  type: 'end';
  outcome: 'complete' | 'stopped' | 'error';
  /** Set when the outcome is `error`. */
  error?: TollgateError | undefined;
  /** The gateway's request id: the ledger row of the call; null when no call was made. */
  requestId: string | null;
  /** The model that served the call, as the upstream named it. */
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Integer nano-dollars as the ledger recorded them; null when the model has no price. */
  costNanos: number | null;
  latencyMs: number;
}

/** What a run yields: text as it arrives, then exactly one `end`. */
export type ChatRunEvent = { type: 'delta'; text: string } | ChatRunEnd;

/**
 * Runs chat completions for the workspace as a person, streamed. The composition root injects it;
 * every call must go through the gateway's pipeline (admission, budgets, metering, ledger), so a
 * workspace turn costs and counts exactly as a `/v1` call does.
 * @example
 * for await (const e of runner.run({ principal, model: 'gpt-4o-mini', messages, conversationId, signal })) {
 *   if (e.type === 'delta') process.stdout.write(e.text); else console.log(e.outcome, e.costNanos);
 * }
 */
export interface ChatRunner {
  run(request: ChatRunRequest): AsyncIterable<ChatRunEvent>;
  /** Releases what the runner holds (connections, credentials). */
  close?(): Promise<void>;
}
