/**
 * Simulated function calling: which of the offered functions the model calls
 * (per `tool_choice` and `parallel_tool_calls`) and with which arguments (a
 * value valid against the function's `parameters` schema).
 *
 * The choice is deterministic and reads like a model's:
 * - `none`: no call;
 * - `auto` (the default with tools): the functions whose name the last user
 *   message mentions ("What's the weather?" calls `get_weather`); none when
 *   the conversation ends with a tool result, so an agent loop terminates;
 * - `required`: the mentioned functions, else the first one;
 * - a named function: that function;
 * - `allowed_tools`: the same rules within the allowed list.
 * With `parallel_tool_calls: false` at most one function is called.
 */
import { hashString, seededRandom } from './reply-generator.ts';
import { sampleSchema } from './schema-sampler.ts';
import { encodeText, tokenTexts, type Encoding } from './token-counter.ts';

/** Tokens per streamed `arguments` delta. */
const TOKENS_PER_DELTA = 3;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Name words too generic to show that a message asks for a function. */
const GENERIC_WORDS = new Set(['get', 'set', 'list', 'create', 'update', 'delete', 'fetch', 'run', 'call', 'make', 'add', 'remove', 'the', 'for', 'and', 'tool', 'function']);

/** A function the request offers. */
export interface FunctionTool {
  name: string;
  description: string;
  parameters: unknown;
  strict: boolean;
}

/** The parsed `tool_choice`. */
export type ToolChoice =
  | { mode: 'none' }
  | { mode: 'auto' | 'required'; allowed?: readonly string[] }
  | { mode: 'named'; name: string };

/** What the conversation's end looks like, for the `auto` decision. */
export interface ConversationTail {
  /** Text of the last user message. */
  userText: string;
  /** Whether the last item is a tool (function call) result. */
  endsWithToolResult: boolean;
}

/** One planned call. */
export interface PlannedToolCall {
  /** `call_…`, the id the client answers with. */
  id: string;
  name: string;
  arguments: string;
  /** `arguments` split into stream deltas (they join to `arguments`). */
  argumentPieces: string[];
  /** Completion tokens billed for the call (name plus arguments). */
  tokens: number;
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !GENERIC_WORDS.has(word));
}

function mentioned(tool: FunctionTool, userText: string): boolean {
  const text = userText.toLowerCase();
  return nameWords(tool.name).some((word) => text.includes(word));
}

/** The functions the model calls in one choice (empty: it answers with text). */
export function chooseFunctions(tools: readonly FunctionTool[], choice: ToolChoice, parallel: boolean, tail: ConversationTail): FunctionTool[] {
  if (tools.length === 0 || choice.mode === 'none') return [];
  let chosen: FunctionTool[];
  if (choice.mode === 'named') {
    chosen = tools.filter((t) => t.name === choice.name).slice(0, 1);
  } else {
    const allowed = choice.allowed === undefined ? tools : tools.filter((t) => choice.allowed?.includes(t.name));
    if (choice.mode === 'auto' && tail.endsWithToolResult) return [];
    chosen = allowed.filter((t) => mentioned(t, tail.userText));
    if (chosen.length === 0 && choice.mode === 'required') chosen = allowed.slice(0, 1);
  }
  return parallel ? chosen : chosen.slice(0, 1);
}

/** A deterministic `call_…` id, so identical requests stay identical apart from the completion id. */
function callId(seed: string): string {
  const random = seededRandom(hashString(seed, 0x2545f491));
  let id = 'call_';
  for (let i = 0; i < 24; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return id;
}

/** Plans the call of `tool` (the `position`-th call of choice `choiceIndex`). */
export function planToolCall(tool: FunctionTool, seedText: string, encoding: Encoding, choiceIndex: number, position: number): PlannedToolCall {
  const seed = `${seedText}\u0000${tool.name}\u0000${choiceIndex}\u0000${position}`;
  const schema = tool.parameters ?? { type: 'object', properties: {} };
  const value = sampleSchema(schema, seed);
  const args = JSON.stringify(value ?? {});
  const tokens = encodeText(args, encoding);
  const texts = tokenTexts(tokens, encoding);
  const argumentPieces: string[] = [];
  for (let i = 0; i < texts.length; i += TOKENS_PER_DELTA) argumentPieces.push(texts.slice(i, i + TOKENS_PER_DELTA).join(''));
  return {
    id: callId(seed),
    name: tool.name,
    arguments: args,
    argumentPieces,
    tokens: encodeText(tool.name, encoding).length + tokens.length,
  };
}
