/**
 * Simulated function calls for chat requests that force a tool
 * (`tool_choice: "required"` or a named function): the arguments are an
 * example value built from the function's JSON Schema parameters.
 */
import { countTextTokens } from '../../metering/index.ts';
import { hashString, seededRandom } from './reply-generator.ts';

/** Characters per streamed `arguments` delta (split by characters so no UTF-8 sequence is cut). */
const ARGUMENT_PIECE_CHARS = 12;
const MAX_SCHEMA_DEPTH = 5;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A function the request offers. */
export interface ToolDefinition {
  name: string;
  parameters: unknown;
}

/** One planned tool call. */
export interface PlannedToolCall {
  id: string;
  name: string;
  arguments: string;
  /** `arguments` split into stream deltas. */
  argumentPieces: string[];
  /** Completion tokens billed for the call (name plus arguments). */
  tokens: number;
}

function exampleFor(schema: unknown, depth: number): unknown {
  if (schema === null || typeof schema !== 'object' || depth > MAX_SCHEMA_DEPTH) return null;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s['enum']) && s['enum'].length > 0) return s['enum'][0];
  if ('const' in s) return s['const'];
  const type = Array.isArray(s['type']) ? s['type'][0] : s['type'];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = (s['properties'] ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(properties)) out[key] = exampleFor(value, depth + 1);
      return out;
    }
    case 'array':
      return [exampleFor(s['items'], depth + 1)];
    case 'string':
      return 'example';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return s['properties'] !== undefined ? exampleFor({ ...s, type: 'object' }, depth) : null;
  }
}

/** A deterministic `call_…` id, so identical requests stay byte-identical apart from the completion id. */
function callId(seed: string): string {
  const random = seededRandom(hashString(seed, 0x2545f491));
  let id = 'call_';
  for (let i = 0; i < 24; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return id;
}

/** Plans the call of `tool` for choice `index`. */
export function planToolCall(tool: ToolDefinition, seedText: string, model: string, index: number): PlannedToolCall {
  const args = JSON.stringify(exampleFor(tool.parameters ?? { type: 'object' }, 0) ?? {});
  const argumentPieces: string[] = [];
  for (let i = 0; i < args.length; i += ARGUMENT_PIECE_CHARS) argumentPieces.push(args.slice(i, i + ARGUMENT_PIECE_CHARS));
  return {
    id: callId(`${seedText}\u0000${tool.name}\u0000${index}`),
    name: tool.name,
    arguments: args,
    argumentPieces,
    tokens: countTextTokens(tool.name, model) + countTextTokens(args, model),
  };
}
