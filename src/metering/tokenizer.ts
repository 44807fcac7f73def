/**
 * Token counting for OpenAI models, built on gpt-tokenizer.
 *
 * Both encodings are imported statically so their rank tables are built once,
 * when this module loads; every call afterwards is pure CPU work on the text.
 */
import * as o200kBase from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100kBase from 'gpt-tokenizer/encoding/cl100k_base';

/** The BPE encodings the gateway knows how to count with. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** One part of an array-valued chat message `content`. */
export interface ChatContentPartLike {
  type?: string;
  text?: string;
  [key: string]: unknown;
}

/** A tool call as it appears on an assistant message. */
export interface ChatToolCallLike {
  type?: string;
  function?: { name?: string; arguments?: string };
  [key: string]: unknown;
}

/**
 * The shape of a chat message as far as token counting cares. Loose on
 * purpose: requests are counted before (and independently of) validation.
 */
export interface ChatMessageLike {
  role?: string;
  content?: string | readonly ChatContentPartLike[] | null;
  name?: string;
  tool_calls?: readonly ChatToolCallLike[] | null;
  function_call?: { name?: string; arguments?: string } | null;
  [key: string]: unknown;
}

interface Encoder {
  countTokens: typeof o200kBase.countTokens;
  encode: typeof o200kBase.encode;
  decode: typeof o200kBase.decode;
}

const ENCODERS: Record<EncodingName, Encoder> = {
  o200k_base: o200kBase,
  cl100k_base: cl100kBase,
};

// User text may legitimately contain strings such as "<|endoftext|>"; the API
// counts them as ordinary text, so no special token is recognised (or rejected).
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Per the cookbook formula: every message is wrapped in <|start|>{role}<|message|>…<|end|>.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
// Every reply is primed with <|start|>assistant<|message|>.
const REPLY_PRIMING_TOKENS = 3;

// Prefixes are checked in order; the first match wins, so more specific
// families (gpt-4o, gpt-4.1) must precede the generic gpt-4 entry.
const ENCODING_BY_PREFIX: ReadonlyArray<readonly [string, EncodingName]> = [
  ['gpt-4o', 'o200k_base'],
  ['gpt-4.', 'o200k_base'],
  ['chatgpt-4o', 'o200k_base'],
  ['gpt-4', 'cl100k_base'],
  ['gpt-3.5', 'cl100k_base'],
  ['gpt-35', 'cl100k_base'],
  ['text-embedding-3-', 'cl100k_base'],
  ['text-embedding-ada-002', 'cl100k_base'],
  ['davinci-002', 'cl100k_base'],
  ['babbage-002', 'cl100k_base'],
];

/**
 * Reduces a model id to the family name used for encoding lookup: lowercases,
 * drops a provider prefix ("openai/gpt-4o") and unwraps fine-tune ids
 * ("ft:gpt-4o-mini-2024-07-18:org::abc" → "gpt-4o-mini-2024-07-18").
 * Snapshot suffixes need no stripping because lookup is by prefix.
 */
function baseModelName(model: string): string {
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) {
    const end = name.indexOf(':', 3);
    name = end === -1 ? name.slice(3) : name.slice(3, end);
  }
  const slash = name.lastIndexOf('/');
  if (slash !== -1) name = name.slice(slash + 1);
  return name;
}

/**
 * Returns the tokenizer encoding a model uses. o200k_base covers gpt-4o,
 * gpt-4.1, the o-series, gpt-5 and omni-moderation; cl100k_base covers gpt-4,
 * gpt-3.5 and the embedding models. Unknown models get o200k_base, the
 * encoding of every current model family.
 */
export function encodingNameForModel(model: string): EncodingName {
  const name = baseModelName(model);
  for (const [prefix, encoding] of ENCODING_BY_PREFIX) {
    if (name.startsWith(prefix)) return encoding;
  }
  return 'o200k_base';
}

function encoderFor(model: string): Encoder {
  return ENCODERS[encodingNameForModel(model)];
}

/** Number of tokens `text` encodes to for `model` (special-token text counts as plain text). */
export function countTextTokens(text: string, model: string): number {
  if (text.length === 0) return 0;
  return encoderFor(model).countTokens(text, PLAIN_TEXT);
}

/** Encodes `text` into token ids for `model`. */
export function encodeText(text: string, model: string): number[] {
  if (text.length === 0) return [];
  return encoderFor(model).encode(text, PLAIN_TEXT);
}

/** Decodes token ids produced by {@link encodeText} for the same model. */
export function decodeTokens(tokens: readonly number[], model: string): string {
  if (tokens.length === 0) return '';
  return encoderFor(model).decode(tokens);
}

function countContentTokens(
  content: ChatMessageLike['content'],
  encoder: Encoder,
): number {
  if (typeof content === 'string') return content.length === 0 ? 0 : encoder.countTokens(content, PLAIN_TEXT);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (part !== null && typeof part === 'object' && typeof part.text === 'string') {
      total += encoder.countTokens(part.text, PLAIN_TEXT);
    }
    // TODO(metering): image_url / input_audio / file parts are billed by
    // tile and duration; that accounting arrives with the metering issue.
  }
  return total;
}

function countFunctionTokens(
  fn: { name?: string; arguments?: string } | null | undefined,
  encoder: Encoder,
): number {
  if (fn === null || fn === undefined || typeof fn !== 'object') return 0;
  // OpenAI does not publish the exact framing of tool calls; the name and the
  // JSON arguments are what the model actually produced, so count those.
  let total = 0;
  if (typeof fn.name === 'string') total += encoder.countTokens(fn.name, PLAIN_TEXT);
  if (typeof fn.arguments === 'string') total += encoder.countTokens(fn.arguments, PLAIN_TEXT);
  return total;
}

/**
 * Counts the prompt tokens of a chat conversation with OpenAI's published
 * formula (cookbook "How to count tokens with tiktoken"): 3 per message, the
 * tokens of every string field (role, content, name, tool_call_id, …), 1 more
 * per `name`, and 3 for the primed assistant reply. Array content counts its
 * text parts; assistant tool calls count their function names and arguments.
 */
export function countChatPromptTokens(messages: readonly ChatMessageLike[], model: string): number {
  const encoder = encoderFor(model);
  let total = 0;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE;
    if (message === null || typeof message !== 'object') continue;
    for (const key in message) {
      const value = message[key];
      if (key === 'content') {
        total += countContentTokens(value as ChatMessageLike['content'], encoder);
      } else if (key === 'tool_calls') {
        if (Array.isArray(value)) {
          for (const call of value as ChatToolCallLike[]) {
            if (call !== null && typeof call === 'object') total += countFunctionTokens(call.function, encoder);
          }
        }
      } else if (key === 'function_call') {
        total += countFunctionTokens(value as ChatMessageLike['function_call'], encoder);
      } else if (typeof value === 'string') {
        if (value.length > 0) total += encoder.countTokens(value, PLAIN_TEXT);
        if (key === 'name') total += TOKENS_PER_NAME;
      }
    }
  }
  return total + REPLY_PRIMING_TOKENS;
}
