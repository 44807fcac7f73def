/**
 * Prompt and output token estimates for a request body, by endpoint: used to
 * reserve budget before a call, and to bill a stream whose upstream never
 * reported usage (the row is then marked estimated).
 *
 * Everything here is best-effort and total: malformed bodies produce a count
 * of whatever can be recognised, never an exception.
 */
import {
  countChatPromptTokens,
  countChatRequestTokens,
  countTextTokens,
  countToolTokens,
  type ChatContentPartLike,
  type ChatMessageLike,
} from './tokenizer.ts';

type MessageContent = string | readonly ChatContentPartLike[];

/** The endpoints whose requests can be estimated. */
export type EstimateEndpoint =
  | '/v1/chat/completions'
  | '/v1/responses'
  | '/v1/completions'
  | '/v1/embeddings'
  | '/v1/moderations';

/** OpenAI's default `max_tokens` for the legacy completions endpoint. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// ---------------------------------------------------------------------------
// Responses API input → chat messages.

/** Only role and content of a message item count (ids, status, … do not reach the model). */
function messageFromItem(item: Record<string, unknown>): ChatMessageLike {
  const role = typeof item['role'] === 'string' ? item['role'] : 'user';
  const content = item['content'];
  return { role, content: typeof content === 'string' || Array.isArray(content) ? (content as MessageContent) : null };
}

function responsesItemToMessage(item: unknown): ChatMessageLike | undefined {
  if (typeof item === 'string') return { role: 'user', content: item };
  if (!isRecord(item)) return undefined;
  const type = item['type'];
  if (type === undefined || type === 'message') return messageFromItem(item);
  if (type === 'function_call' || type === 'custom_tool_call') {
    const name = typeof item['name'] === 'string' ? item['name'] : '';
    const args = item['arguments'] ?? item['input'];
    return {
      role: 'assistant',
      content: null,
      tool_calls: [{ type: 'function', function: { name, arguments: typeof args === 'string' ? args : '' } }],
    };
  }
  if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    const output = item['output'];
    const message: ChatMessageLike = {
      role: 'tool',
      content: typeof output === 'string' || Array.isArray(output) ? (output as MessageContent) : JSON.stringify(output ?? ''),
    };
    if (typeof item['call_id'] === 'string') message['tool_call_id'] = item['call_id'];
    return message;
  }
  // A bare content part at the top level: treat it as a one-part user message.
  if (type === 'input_text' || type === 'input_image') return { role: 'user', content: [item] };
  // Reasoning items, item references and hosted-tool calls/results carry no
  // countable text here (a previous_response_id's context is unknown too).
  return undefined;
}

function responsesMessages(body: Record<string, unknown>): ChatMessageLike[] {
  const messages: ChatMessageLike[] = [];
  const instructions = body['instructions'];
  if (typeof instructions === 'string') messages.push({ role: 'system', content: instructions });
  const input = body['input'];
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
  } else if (Array.isArray(input)) {
    for (const item of input as unknown[]) {
      const message = responsesItemToMessage(item);
      if (message !== undefined) messages.push(message);
    }
  }
  return messages;
}

// ---------------------------------------------------------------------------
// Plain text inputs (completions, embeddings, moderations).

/**
 * A string, a list of strings, a token array or a list of token arrays:
 * strings are tokenized, token arrays count their length.
 */
function countTextOrTokens(input: unknown, model: string): number {
  if (typeof input === 'string') return countTextTokens(input, model);
  if (!Array.isArray(input)) return 0;
  let total = 0;
  for (const entry of input as unknown[]) {
    if (typeof entry === 'string') total += countTextTokens(entry, model);
    else if (typeof entry === 'number') total += 1;
    else if (Array.isArray(entry)) total += entry.length;
  }
  return total;
}

/** Moderation input: a string, strings, or `{type: "text", text}` / image parts (text only counts). */
function countModerationInput(input: unknown, model: string): number {
  if (typeof input === 'string') return countTextTokens(input, model);
  if (!Array.isArray(input)) return 0;
  let total = 0;
  for (const entry of input as unknown[]) {
    if (typeof entry === 'string') total += countTextTokens(entry, model);
    else if (isRecord(entry) && typeof entry['text'] === 'string') total += countTextTokens(entry['text'], model);
  }
  return total;
}

// ---------------------------------------------------------------------------

function estimateUncached(endpoint: string, body: Record<string, unknown>, model: string): number {
  switch (endpoint) {
    case '/v1/chat/completions':
      return countChatRequestTokens(body, model);
    case '/v1/responses':
      return countChatPromptTokens(responsesMessages(body), model) + countToolTokens(body['tools'], model);
    case '/v1/completions':
      return countTextOrTokens(body['prompt'], model) + (typeof body['suffix'] === 'string' ? countTextTokens(body['suffix'], model) : 0);
    case '/v1/embeddings':
      return countTextOrTokens(body['input'], model);
    case '/v1/moderations':
      return countModerationInput(body['input'], model);
    default:
      return 0;
  }
}

/** Last resort if a body defeats the walkers above (e.g. a throwing getter): ~4 characters a token. */
function roughEstimate(body: unknown): number {
  try {
    return Math.ceil((JSON.stringify(body)?.length ?? 0) / 4);
  } catch {
    return 0;
  }
}

// Estimates by body object, so the budget reservation and a later billing of
// the same request (a stream that ended without usage) tokenize only once.
// Bodies must not be mutated after they are first estimated.
const estimates = new WeakMap<object, Map<string, number>>();

/**
 * Estimated prompt tokens of a request to `endpoint`:
 *
 * - chat: messages (OpenAI's per-message formula, image parts by their tile or
 *   patch cost) + tool definitions (cookbook formula);
 * - responses: `instructions` as a system message, `input` (a string, or
 *   message / function_call / function_call_output items with text and image
 *   parts) counted like chat messages, + function tools;
 * - completions: `prompt` (+ `suffix`): strings are tokenized, token arrays
 *   count their length;
 * - embeddings: `input`, the same way;
 * - moderations: the text of `input` (images are not tokens there).
 *
 * Not knowable from the body, and so not counted: the context of
 * `previous_response_id` / `conversation`, hosted tools, file inputs, audio.
 * Results are memoised per body object.
 */
export function estimatePromptTokens(endpoint: EstimateEndpoint, body: Record<string, unknown>, model: string): number {
  if (!isRecord(body)) return 0;
  const key = `${endpoint}\n${model}`;
  let byKey = estimates.get(body);
  const cached = byKey?.get(key);
  if (cached !== undefined) return cached;
  let tokens: number;
  try {
    tokens = estimateUncached(endpoint, body, typeof model === 'string' ? model : '');
  } catch {
    tokens = roughEstimate(body);
  }
  if (byKey === undefined) {
    byKey = new Map();
    estimates.set(body, byKey);
  }
  byKey.set(key, tokens);
  return tokens;
}

/** A usable token limit: a finite, non-negative integer. */
function limitOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A choice count (`n`, `best_of`): an integer ≥ 1, else 1. */
function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 1 ? value : 1;
}

/** How many prompts a completions `prompt` holds (each gets its own choices). */
function promptCount(prompt: unknown): number {
  if (!Array.isArray(prompt) || prompt.length === 0) return 1;
  // A flat token array is one prompt; a list of strings or token arrays is many.
  return typeof prompt[0] === 'number' ? 1 : prompt.length;
}

/**
 * The most output tokens a request can be billed for, or `undefined` when the
 * body sets no cap (the model's own limit applies):
 *
 * - chat: `max_completion_tokens` ?? `max_tokens`, × `n`;
 * - responses: `max_output_tokens`;
 * - completions: `max_tokens` (default 16, as OpenAI), × max(`n`, `best_of`)
 *   (every best_of candidate is billed) × the number of prompts;
 * - embeddings and moderations: 0.
 */
export function maxOutputTokensOf(endpoint: EstimateEndpoint, body: Record<string, unknown>): number | undefined {
  if (!isRecord(body)) body = {};
  switch (endpoint) {
    case '/v1/chat/completions': {
      const cap = limitOf(body['max_completion_tokens']) ?? limitOf(body['max_tokens']);
      return cap === undefined ? undefined : cap * countOf(body['n']);
    }
    case '/v1/responses':
      return limitOf(body['max_output_tokens']);
    case '/v1/completions': {
      const cap = limitOf(body['max_tokens']) ?? COMPLETIONS_DEFAULT_MAX_TOKENS;
      const choices = Math.max(countOf(body['n']), countOf(body['best_of']));
      return cap * choices * promptCount(body['prompt']);
    }
    case '/v1/embeddings':
    case '/v1/moderations':
      return 0;
    default:
      return undefined;
  }
}

/**
 * Completion tokens of text the model produced, for billing a stream that
 * ended without a usage report from the text relayed so far.
 */
export function countCompletionText(text: string, model: string): number {
  return countTextTokens(typeof text === 'string' ? text : '', model);
}
