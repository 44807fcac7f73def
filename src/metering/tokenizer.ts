/**
 * Token counting for OpenAI models, built on gpt-tokenizer.
 *
 * Both encodings are imported statically so their rank tables are built once,
 * when this module loads; every call afterwards is pure CPU work on the text.
 */
import * as o200kBase from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100kBase from 'gpt-tokenizer/encoding/cl100k_base';
import { imageCostRuleFor, imagePartTokens, type ImageCostRule } from './image-tokens.ts';
import { countWithRunCuts, encodingNameForModel, PLAIN_TEXT, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, TOKENS_PER_NAME, type EncodingName } from './token-rules.ts';

export { encodingNameForModel, type EncodingName } from './token-rules.ts';

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

/**
 * The parts of a Chat Completions body that cost prompt tokens. Every field is
 * `unknown`: malformed values are skipped, never thrown on.
 */
export interface ChatRequestLike {
  messages?: unknown;
  /** `[{type: "function", function: {name, description, parameters}}]` (flat Responses-style entries work too). */
  tools?: unknown;
  /** The legacy `functions` list: `[{name, description, parameters}]`. */
  functions?: unknown;
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

/**
 * Framing of function definitions, from the cookbook's `num_tokens_for_tools`:
 * tokens added per function, before a function's properties, per property,
 * per enum (negative: the enum replaces part of the property framing), per
 * enum value, and once after all functions. Published for gpt-4o/gpt-4o-mini
 * (o200k_base) and gpt-3.5-turbo/gpt-4 (cl100k_base); other o200k_base models
 * (gpt-4.1, o-series, gpt-5) are assumed to frame tools like gpt-4o.
 */
interface ToolFraming {
  funcInit: number;
  propInit: number;
  propKey: number;
  enumInit: number;
  enumItem: number;
  funcEnd: number;
}

const TOOL_FRAMING: Record<EncodingName, ToolFraming> = {
  o200k_base: { funcInit: 7, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
  cl100k_base: { funcInit: 10, propInit: 3, propKey: 3, enumInit: -3, enumItem: 3, funcEnd: 12 },
};

function encoderFor(model: string): Encoder {
  return ENCODERS[encodingNameForModel(model)];
}

/**
 * Number of tokens `text` encodes to for `model` (special-token text counts as
 * plain text). Exact for ordinary text; runs of more than 512 bytes of letters,
 * whitespace or punctuation without a break are counted in chunks to keep the
 * cost linear (the count may then differ by about one token per chunk).
 */
export function countTextTokens(text: string, model: string): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  return countWithRunCuts(encoderFor(model), text);
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

// ---------------------------------------------------------------------------
// Chat messages.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Per-call state: the encoder, and the image rule resolved only if an image shows up. */
interface CountContext {
  encoding: EncodingName;
  encoder: Encoder;
  model: string;
  imageRule: ImageCostRule | undefined;
}

function contextFor(model: string): CountContext {
  const encoding = encodingNameForModel(model);
  return { encoding, encoder: ENCODERS[encoding], model, imageRule: undefined };
}

function countPart(part: unknown, ctx: CountContext): number {
  if (typeof part === 'string') return countWithRunCuts(ctx.encoder, part);
  if (!isRecord(part)) return 0;
  if (typeof part['text'] === 'string') return countWithRunCuts(ctx.encoder, part['text']);
  if (typeof part['refusal'] === 'string') return countWithRunCuts(ctx.encoder, part['refusal']);
  ctx.imageRule ??= imageCostRuleFor(ctx.model);
  // Audio and file parts are not text: they are billed as audio tokens or
  // from server-side extraction, which cannot be estimated here.
  return imagePartTokens(part, ctx.imageRule) ?? 0;
}

function countContentTokens(content: unknown, ctx: CountContext): number {
  if (typeof content === 'string') return countWithRunCuts(ctx.encoder, content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) total += countPart(part, ctx);
  return total;
}

function countFunctionTokens(fn: unknown, encoder: Encoder): number {
  if (!isRecord(fn)) return 0;
  // OpenAI does not publish the exact framing of tool calls; the name and the
  // JSON arguments are what the model actually produced, so count those.
  let total = 0;
  if (typeof fn['name'] === 'string') total += countWithRunCuts(encoder, fn['name']);
  if (typeof fn['arguments'] === 'string') total += countWithRunCuts(encoder, fn['arguments']);
  return total;
}

function countMessages(messages: unknown, ctx: CountContext): number {
  if (!Array.isArray(messages)) return REPLY_PRIMING_TOKENS;
  const { encoder } = ctx;
  let total = 0;
  for (const message of messages as unknown[]) {
    total += TOKENS_PER_MESSAGE;
    if (!isRecord(message)) continue;
    for (const key in message) {
      const value = message[key];
      if (key === 'content') {
        total += countContentTokens(value, ctx);
      } else if (key === 'tool_calls') {
        if (Array.isArray(value)) {
          for (const call of value as unknown[]) {
            if (isRecord(call)) total += countFunctionTokens(call['function'], encoder);
          }
        }
      } else if (key === 'function_call') {
        total += countFunctionTokens(value, encoder);
      } else if (typeof value === 'string') {
        total += countWithRunCuts(encoder, value);
        if (key === 'name') total += TOKENS_PER_NAME;
      }
    }
  }
  return total + REPLY_PRIMING_TOKENS;
}

/**
 * Counts the prompt tokens of a chat conversation with OpenAI's published
 * formula (cookbook "How to count tokens with tiktoken"): 3 per message, the
 * tokens of every string field (role, content, name, tool_call_id, …), 1 more
 * per `name`, and 3 for the primed assistant reply. Array content counts its
 * text and refusal parts, and image parts by the model's image rule (see
 * image-tokens.ts); assistant tool calls count their function names and
 * arguments. Malformed input is skipped, never thrown on (a non-array counts
 * as no messages).
 */
export function countChatPromptTokens(messages: readonly ChatMessageLike[], model: string): number {
  return countMessages(messages, contextFor(model));
}

// ---------------------------------------------------------------------------
// Tool definitions.

/** The function definition inside a tool entry, in any of the shapes the APIs accept. */
function functionDefinitionOf(tool: unknown): Record<string, unknown> | undefined {
  if (!isRecord(tool)) return undefined;
  const type = tool['type'];
  // Chat Completions: {type: "function", function: {...}}; custom tools: {type: "custom", custom: {...}}.
  if (type === 'function' && isRecord(tool['function'])) return tool['function'];
  if (type === 'custom' && isRecord(tool['custom'])) return tool['custom'];
  // Responses API (flat) and the legacy `functions` list.
  if ((type === undefined || type === 'function' || type === 'custom') && typeof tool['name'] === 'string') return tool;
  // Hosted tools (web_search, file_search, …) carry no definition to count.
  return undefined;
}

const stripFinalPeriod = (text: string): string => (text.endsWith('.') ? text.slice(0, -1) : text);
const stringOr = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

function typeText(type: unknown): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string').join(' | ');
  return '';
}

const MAX_SCHEMA_DEPTH = 16;

function countProperties(properties: unknown, encoder: Encoder, framing: ToolFraming, depth: number): number {
  if (!isRecord(properties) || depth > MAX_SCHEMA_DEPTH) return 0;
  const keys = Object.keys(properties);
  if (keys.length === 0) return 0;
  let total = framing.propInit;
  for (const key of keys) {
    const property = properties[key];
    const schema = isRecord(property) ? property : {};
    total += framing.propKey;
    if ('enum' in schema) total += countEnum(schema['enum'], encoder, framing);
    const description = stripFinalPeriod(stringOr(schema['description']));
    total += countWithRunCuts(encoder, `${key}:${typeText(schema['type'])}:${description}`);
    // Beyond the cookbook, which only walks the top level: nested object
    // properties (directly or as array items) are counted the same way.
    total += countProperties(schema['properties'], encoder, framing, depth + 1);
    const items = schema['items'];
    if (isRecord(items)) {
      if ('enum' in items) total += countEnum(items['enum'], encoder, framing);
      total += countProperties(items['properties'], encoder, framing, depth + 1);
    }
  }
  return total;
}

function countEnum(values: unknown, encoder: Encoder, framing: ToolFraming): number {
  let total = framing.enumInit;
  if (Array.isArray(values)) {
    for (const value of values as unknown[]) {
      total += framing.enumItem + countWithRunCuts(encoder, typeof value === 'string' ? value : String(value));
    }
  }
  return total;
}

function countTools(tools: unknown, encoding: EncodingName): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  const encoder = ENCODERS[encoding];
  const framing = TOOL_FRAMING[encoding];
  let total = 0;
  let counted = 0;
  for (const tool of tools as unknown[]) {
    const fn = functionDefinitionOf(tool);
    if (fn === undefined) continue;
    counted++;
    total += framing.funcInit;
    total += countWithRunCuts(encoder, `${stringOr(fn['name'])}:${stripFinalPeriod(stringOr(fn['description']))}`);
    const parameters = fn['parameters'];
    if (isRecord(parameters)) total += countProperties(parameters['properties'], encoder, framing, 0);
    // Custom tools may carry a grammar; its text is part of the prompt.
    const format = fn['format'];
    if (isRecord(format) && typeof format['definition'] === 'string') total += countWithRunCuts(encoder, format['definition']);
  }
  return counted > 0 ? total + framing.funcEnd : 0;
}

/**
 * Prompt tokens added by function/tool definitions, per the cookbook's
 * `num_tokens_for_tools` (see {@link TOOL_FRAMING}): per function the framing
 * plus "name:description", per property "key:type:description", per enum
 * value its tokens plus framing, and a fixed suffix once. Accepts Chat
 * Completions tools, flat Responses function tools and legacy `functions`;
 * hosted tools (web search, file search, …) count 0.
 */
export function countToolTokens(tools: unknown, model: string): number {
  return countTools(tools, encodingNameForModel(model));
}

/**
 * Prompt tokens of a Chat Completions request: its messages (see
 * {@link countChatPromptTokens}) plus its `tools`, or the legacy `functions`
 * when no tools are given.
 */
export function countChatRequestTokens(body: ChatRequestLike, model: string): number {
  if (!isRecord(body)) return REPLY_PRIMING_TOKENS;
  const ctx = contextFor(model);
  const tools = Array.isArray(body.tools) && body.tools.length > 0 ? body.tools : body.functions;
  return countMessages(body.messages, ctx) + countTools(tools, ctx.encoding);
}
