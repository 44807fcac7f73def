/**
 * Validation of `POST /v1/responses` bodies and conversion of their `input`
 * (a string or a list of items) into chat messages for token counting.
 */
import type { ChatContentPartLike, ChatMessageLike } from '../../metering/index.ts';
import { invalidType, invalidValue, missingParameter } from './openai-error.ts';
import {
  SERVICE_TIERS,
  isJsonObject,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  requireString,
  type JsonObject,
} from './request-checks.ts';

const MESSAGE_ROLES = ['user', 'assistant', 'system', 'developer'] as const;
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const TEXT_FORMATS = ['text', 'json_object', 'json_schema'] as const;
/** The API rejects smaller output caps. */
const MIN_OUTPUT_TOKENS = 16;

/** A validated Responses API request. */
export interface ResponsesRequest {
  model: string;
  messages: ChatMessageLike[];
  instructions: string | undefined;
  stream: boolean;
  includeObfuscation: boolean;
  maxOutputTokens: number | undefined;
  reasoningEffort: string | undefined;
  serviceTier: string | undefined;
  /** The request's `text` config (echoed in the response), if any. */
  text: JsonObject | undefined;
  json: boolean;
  temperature: number | undefined;
  topP: number | undefined;
  store: boolean | undefined;
  metadata: JsonObject | undefined;
  previousResponseId: string | undefined;
  user: string | undefined;
}

function partsText(content: unknown): string | ChatContentPartLike[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // Image and file parts are billed differently; only text parts count here.
  return content.filter((p): p is ChatContentPartLike => isJsonObject(p) && typeof p['text'] === 'string');
}

function itemToMessage(item: unknown, index: number): ChatMessageLike | undefined {
  const at = `input[${index}]`;
  if (!isJsonObject(item)) throw invalidType(at, 'an object', item);
  const type = item['type'];
  if (type === undefined || type === 'message') {
    const role = item['role'];
    if (role === undefined || role === null) throw missingParameter(`${at}.role`);
    if (typeof role !== 'string' || !(MESSAGE_ROLES as readonly string[]).includes(role)) {
      throw invalidValue(`${at}.role`, role, MESSAGE_ROLES);
    }
    const content = item['content'];
    if (content === undefined) throw missingParameter(`${at}.content`);
    if (typeof content !== 'string' && !Array.isArray(content)) {
      throw invalidType(`${at}.content`, 'one of a string or array of input items', content);
    }
    return { role, content: partsText(content) };
  }
  if (type === 'function_call') {
    const name = typeof item['name'] === 'string' ? item['name'] : '';
    const args = typeof item['arguments'] === 'string' ? item['arguments'] : '';
    return { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name, arguments: args } }] };
  }
  if (type === 'function_call_output') {
    const output = typeof item['output'] === 'string' ? item['output'] : JSON.stringify(item['output'] ?? '');
    const message: ChatMessageLike = { role: 'tool', content: output };
    if (typeof item['call_id'] === 'string') message['tool_call_id'] = item['call_id'];
    return message;
  }
  // Reasoning items, item references and tool results of hosted tools carry
  // no text the simulator can count; they are accepted and ignored.
  return undefined;
}

/** Converts `instructions` + `input` into the chat messages the model would see. */
export function inputToMessages(input: unknown, instructions: string | undefined): ChatMessageLike[] {
  const messages: ChatMessageLike[] = [];
  if (instructions !== undefined) messages.push({ role: 'system', content: instructions });
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  if (!Array.isArray(input)) return messages;
  input.forEach((item, index) => {
    const message = itemToMessage(item, index);
    if (message !== undefined) messages.push(message);
  });
  return messages;
}

/** Validates a Responses API body; throws SimulatorHttpError (400) on the first problem. */
export function parseResponsesRequest(body: JsonObject): ResponsesRequest {
  const model = requireString(body, 'model');
  const input = body['input'];
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw invalidType('input', 'one of a string or array of input items', input);
  }
  const instructions = optionalString(body, 'instructions');
  const messages = inputToMessages(input, instructions);

  const streamOptions = optionalObject(body, 'stream_options');
  const reasoning = optionalObject(body, 'reasoning');
  const text = optionalObject(body, 'text');
  const format = text === undefined ? undefined : optionalObject(text, 'format');
  const formatType = format === undefined ? undefined : optionalEnum(format, 'type', TEXT_FORMATS);
  const metadata = optionalObject(body, 'metadata');

  return {
    model,
    messages,
    instructions,
    stream: optionalBoolean(body, 'stream') ?? false,
    includeObfuscation: streamOptions === undefined ? true : optionalBoolean(streamOptions, 'include_obfuscation') ?? true,
    maxOutputTokens: optionalInteger(body, 'max_output_tokens', MIN_OUTPUT_TOKENS),
    reasoningEffort: reasoning === undefined ? undefined : optionalEnum(reasoning, 'effort', REASONING_EFFORTS),
    serviceTier: optionalEnum(body, 'service_tier', SERVICE_TIERS),
    text,
    json: formatType === 'json_object' || formatType === 'json_schema',
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    store: optionalBoolean(body, 'store'),
    metadata,
    previousResponseId: optionalString(body, 'previous_response_id'),
    user: optionalString(body, 'user'),
  };
}
