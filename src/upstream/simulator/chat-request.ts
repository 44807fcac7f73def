/**
 * Validation and normalisation of `POST /v1/chat/completions` bodies, with
 * the same parameter names, codes and messages as the real API.
 */
import { isReasoningModel, type CatalogModel, type ModelCatalog } from './model-catalog.ts';
import { SimulatorHttpError, invalidType, invalidValue, missingParameter, modelNotFound, unsupportedParameter, wrongEndpointForModel } from './openai-error.ts';
import { readChatResponseFormat, requireJsonMention, type OutputFormat } from './output-format.ts';
import type { PromptMessage } from './prompt-tokens.ts';
import { effectiveEffort } from './reasoning-options.ts';
import {
  SERVICE_TIERS,
  isJsonObject,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalStopSequences,
  optionalString,
  requireNonEmptyArray,
  requireString,
  type JsonObject,
} from './request-checks.ts';
import { readChatTools, type ToolOptions } from './tool-request.ts';

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'] as const;
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const PROMPT_CACHE_RETENTIONS = ['in_memory', '24h'] as const;

/** A validated chat completion request. */
export interface ChatRequest {
  /** The model as requested. */
  model: string;
  catalogModel: CatalogModel;
  messages: PromptMessage[];
  stream: boolean;
  includeUsage: boolean;
  includeObfuscation: boolean;
  n: number;
  maxTokens: number | undefined;
  stop: string[];
  serviceTier: string | undefined;
  /** The effort a reasoning model runs at (undefined for other models). */
  reasoningEffort: string | undefined;
  format: OutputFormat;
  tools: ToolOptions;
  /** Raw `tools`, counted in the prompt. */
  toolDefinitions: unknown[];
  /** Alternatives per token when logprobs were asked for, else undefined. */
  topLogprobs: number | undefined;
  promptCacheKey: string | undefined;
  extendedCacheRetention: boolean;
}

function checkMessage(value: unknown, index: number): PromptMessage {
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
  return value;
}

/** The model of a request, 404 when unknown, 404 when it is not a chat model (OpenAI's wording). */
export function chatModel(catalog: ModelCatalog, model: string): CatalogModel {
  const found = catalog.find(model);
  if (found === undefined) throw modelNotFound(model);
  if (found.kind !== 'chat') {
    throw wrongEndpointForModel('This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?');
  }
  return found;
}

function readLogprobs(body: JsonObject, model: CatalogModel): number | undefined {
  const logprobs = optionalBoolean(body, 'logprobs') ?? false;
  const top = optionalInteger(body, 'top_logprobs', 0, 20);
  if (top !== undefined && !logprobs) {
    throw new SimulatorHttpError(400, "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.", 'invalid_request_error', 'top_logprobs', null);
  }
  if (logprobs && isReasoningModel(model)) {
    throw unsupportedParameter('logprobs', "Unsupported parameter: 'logprobs' is not supported with this model.");
  }
  return logprobs ? top ?? 0 : undefined;
}

/** Validates a chat completion body; throws SimulatorHttpError (400, 404) on the first problem. */
export function parseChatRequest(body: JsonObject, catalog: ModelCatalog): ChatRequest {
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
  optionalNumber(body, 'temperature', 0, 2);
  optionalNumber(body, 'top_p', 0, 1);
  optionalNumber(body, 'presence_penalty', -2, 2);
  optionalNumber(body, 'frequency_penalty', -2, 2);
  const serviceTier = optionalEnum(body, 'service_tier', SERVICE_TIERS);
  const requestedEffort = optionalEnum(body, 'reasoning_effort', REASONING_EFFORTS);
  const format = readChatResponseFormat(body);
  const tools = readChatTools(body);
  const promptCacheKey = optionalString(body, 'prompt_cache_key');
  const retention = optionalEnum(body, 'prompt_cache_retention', PROMPT_CACHE_RETENTIONS);

  // Checks that depend on the model come after the model is known to exist.
  const catalogModel = chatModel(catalog, model);
  if (legacyMaxTokens !== undefined && isReasoningModel(catalogModel)) {
    throw unsupportedParameter(
      'max_tokens',
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
  }
  const reasoningEffort = effectiveEffort(catalogModel, requestedEffort, 'chat');
  const topLogprobs = readLogprobs(body, catalogModel);
  requireJsonMention(
    format,
    messages.map(messageText),
    'messages',
    "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
  );

  return {
    model,
    catalogModel,
    messages,
    stream,
    includeUsage,
    includeObfuscation,
    n,
    maxTokens: maxCompletionTokens ?? legacyMaxTokens,
    stop: optionalStopSequences(body),
    serviceTier,
    reasoningEffort,
    format,
    tools,
    toolDefinitions: Array.isArray(body['tools']) ? body['tools'] : [],
    topLogprobs,
    promptCacheKey,
    extendedCacheRetention: retention === '24h',
  };
}

/** Plain text of a message's content (text parts joined). */
export function messageText(message: PromptMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (isJsonObject(part) && typeof part['text'] === 'string') text += part['text'];
  }
  return text;
}

/** The text a reply is derived from: the last user message, else the last message. */
export function replySeed(messages: readonly PromptMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return messageText(message);
  }
  const last = messages[messages.length - 1];
  return last === undefined ? '' : messageText(last);
}
