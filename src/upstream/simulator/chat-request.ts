/**
 * Validation and normalisation of `POST /v1/chat/completions` bodies, with
 * the same parameter names, codes and messages as the real API.
 */
import type { ChatMessageLike } from '../../metering/index.ts';
import { SimulatorHttpError, invalidType, invalidValue, missingParameter, unsupportedParameter } from './openai-error.ts';
import { isReasoningModel } from './model-catalog.ts';
import type { ToolDefinition } from './tool-call-planner.ts';
import {
  SERVICE_TIERS,
  isJsonObject,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalStopSequences,
  requireNonEmptyArray,
  requireString,
  type JsonObject,
} from './request-checks.ts';

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'] as const;
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const RESPONSE_FORMATS = ['text', 'json_object', 'json_schema'] as const;

/** A validated chat completion request. */
export interface ChatRequest {
  model: string;
  messages: ChatMessageLike[];
  stream: boolean;
  includeUsage: boolean;
  includeObfuscation: boolean;
  n: number;
  maxTokens: number | undefined;
  stop: string[];
  serviceTier: string | undefined;
  reasoningEffort: string | undefined;
  json: boolean;
  /** The function the model must call (tool_choice "required" or a named function), if any. */
  forcedTool: ToolDefinition | undefined;
}

function checkMessage(value: unknown, index: number): ChatMessageLike {
  const at = `messages[${index}]`;
  if (!isJsonObject(value)) throw invalidType(at, 'an object', value);
  const role = value['role'];
  if (role === undefined || role === null) throw missingParameter(`${at}.role`);
  if (typeof role !== 'string') throw invalidType(`${at}.role`, 'a string', role);
  if (!(ROLES as readonly string[]).includes(role)) throw invalidValue(`${at}.role`, role, ROLES);
  const content = value['content'];
  const mayOmitContent = role === 'assistant' && (value['tool_calls'] !== undefined || value['function_call'] !== undefined || content === null);
  if (content === undefined && !mayOmitContent) throw missingParameter(`${at}.content`);
  if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
    throw invalidType(`${at}.content`, 'one of a string or array of objects', content);
  }
  if (content === null && !mayOmitContent) throw invalidType(`${at}.content`, 'one of a string or array of objects', content);
  if (value['name'] !== undefined && typeof value['name'] !== 'string') throw invalidType(`${at}.name`, 'a string', value['name']);
  return value as ChatMessageLike;
}

function readTools(body: JsonObject): ToolDefinition[] {
  const tools = body['tools'];
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalidType('tools', 'an array of objects', tools);
  return tools.map((tool, i) => {
    if (!isJsonObject(tool)) throw invalidType(`tools[${i}]`, 'an object', tool);
    // Custom (free-form) tools carry no JSON Schema; they are accepted and never forced.
    if (tool['type'] !== 'function') return { name: '', parameters: undefined };
    const fn = tool['function'];
    if (!isJsonObject(fn)) throw missingParameter(`tools[${i}].function`);
    if (typeof fn['name'] !== 'string') throw missingParameter(`tools[${i}].function.name`);
    return { name: fn['name'], parameters: fn['parameters'] };
  });
}

/** Resolves which function, if any, `tool_choice` forces. */
function forcedToolOf(body: JsonObject, tools: readonly ToolDefinition[]): ToolDefinition | undefined {
  const choice = body['tool_choice'];
  const functions = tools.filter((t) => t.name !== '');
  if (choice === 'required') return functions[0];
  if (isJsonObject(choice) && choice['type'] === 'function' && isJsonObject(choice['function'])) {
    const name = choice['function']['name'];
    const tool = functions.find((t) => t.name === name);
    if (tool === undefined) {
      throw new SimulatorHttpError(
        400,
        `Invalid value for 'tool_choice': function '${String(name)}' is not among the provided tools.`,
        'invalid_request_error',
        'tool_choice',
        null,
      );
    }
    return tool;
  }
  return undefined;
}

/** Validates a chat completion body; throws SimulatorHttpError (400) on the first problem. */
export function parseChatRequest(body: JsonObject): ChatRequest {
  const model = requireString(body, 'model');
  const rawMessages = requireNonEmptyArray(body, 'messages', 'an array of objects');
  const messages = rawMessages.map(checkMessage);
  const stream = optionalBoolean(body, 'stream') ?? false;

  const streamOptions = optionalObject(body, 'stream_options');
  if (streamOptions !== undefined && !stream) {
    throw new SimulatorHttpError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'invalid_request_error',
      'stream_options',
      null,
    );
  }
  const includeUsage = streamOptions === undefined ? false : optionalBoolean(streamOptions, 'include_usage') ?? false;
  const includeObfuscation = streamOptions === undefined ? true : optionalBoolean(streamOptions, 'include_obfuscation') ?? true;

  const n = optionalInteger(body, 'n', 1, 128) ?? 1;
  const maxCompletionTokens = optionalInteger(body, 'max_completion_tokens', 1);
  const legacyMaxTokens = optionalInteger(body, 'max_tokens', 1);
  if (legacyMaxTokens !== undefined && isReasoningModel(model)) {
    throw unsupportedParameter(
      'max_tokens',
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
  }
  optionalNumber(body, 'temperature', 0, 2);
  optionalNumber(body, 'top_p', 0, 1);
  optionalNumber(body, 'presence_penalty', -2, 2);
  optionalNumber(body, 'frequency_penalty', -2, 2);
  const serviceTier = optionalEnum(body, 'service_tier', SERVICE_TIERS);
  const reasoningEffort = optionalEnum(body, 'reasoning_effort', REASONING_EFFORTS);

  const responseFormat = optionalObject(body, 'response_format');
  let json = false;
  if (responseFormat !== undefined) {
    const type = optionalEnum(responseFormat, 'type', RESPONSE_FORMATS);
    if (type === undefined) throw missingParameter('response_format.type');
    json = type !== 'text';
  }

  return {
    model,
    messages,
    stream,
    includeUsage,
    includeObfuscation,
    n,
    maxTokens: maxCompletionTokens ?? legacyMaxTokens,
    stop: optionalStopSequences(body),
    serviceTier,
    reasoningEffort,
    json,
    forcedTool: forcedToolOf(body, readTools(body)),
  };
}

/** Plain text of a message's content (text parts joined). */
export function messageText(message: ChatMessageLike): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part !== null && typeof part === 'object' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

/** The text a reply is derived from: the last user message, else the last message. */
export function replySeed(messages: readonly ChatMessageLike[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return messageText(message);
  }
  const last = messages[messages.length - 1];
  return last === undefined ? '' : messageText(last);
}
