/**
 * Validation of `POST /v1/responses` bodies and conversion of their `input`
 * (a string or a list of items) into chat messages for token counting.
 */
import { SimulatorHttpError, invalidType, invalidValue, missingParameter, modelNotFound, unsupportedParameter, wrongEndpointForModel } from './openai-error.ts';
import { isReasoningModel, type CatalogModel, type ModelCatalog } from './model-catalog.ts';
import { readResponsesTextFormat, requireJsonMention, type OutputFormat } from './output-format.ts';
import type { PromptMessage } from './prompt-tokens.ts';
import { effectiveEffort } from './reasoning-options.ts';
import { readResponsesTools, type ToolOptions } from './tool-request.ts';
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
const PROMPT_CACHE_RETENTIONS = ['in_memory', '24h'] as const;
const LOGPROBS_INCLUDE = 'message.output_text.logprobs';
/** The API rejects smaller output caps. */
const MIN_OUTPUT_TOKENS = 16;

/** A validated Responses API request. */
export interface ResponsesRequest {
  /** The model as requested. */
  model: string;
  catalogModel: CatalogModel;
  messages: PromptMessage[];
  /** Whether the input ends with a function call's output (the model then answers in text). */
  endsWithToolResult: boolean;
  instructions: string | undefined;
  stream: boolean;
  includeObfuscation: boolean;
  maxOutputTokens: number | undefined;
  /** The effort a reasoning model runs at (undefined for other models). */
  reasoningEffort: string | undefined;
  serviceTier: string | undefined;
  /** The request's `text` config (echoed in the response), if any. */
  text: JsonObject | undefined;
  format: OutputFormat;
  tools: ToolOptions;
  /** Raw `tools`, counted in the prompt and echoed. */
  toolDefinitions: unknown[];
  /** The request's `tool_choice`, echoed. */
  toolChoice: unknown;
  /** `top_logprobs` (0–20), echoed. */
  topLogprobs: number;
  /** Whether output_text parts carry logprobs (`include` has "message.output_text.logprobs"). */
  includeLogprobs: boolean;
  promptCacheKey: string | undefined;
  extendedCacheRetention: boolean;
  temperature: number | undefined;
  topP: number | undefined;
  store: boolean | undefined;
  metadata: JsonObject | undefined;
  previousResponseId: string | undefined;
  user: string | undefined;
}

function partsText(content: unknown): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // File parts are not counted (their text is extracted server-side); text and image parts are.
  return content.filter((p): p is JsonObject => isJsonObject(p) && (typeof p['text'] === 'string' || p['type'] === 'input_image'));
}

function itemToMessage(item: unknown, index: number): PromptMessage | undefined {
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
    const message: PromptMessage = { role: 'tool', content: output };
    if (typeof item['call_id'] === 'string') message['tool_call_id'] = item['call_id'];
    return message;
  }
  // Reasoning items, item references and tool results of hosted tools carry
  // no text the simulator can count; they are accepted and ignored.
  return undefined;
}

/** Converts `instructions` + `input` into the chat messages the model would see. */
export function inputToMessages(input: unknown, instructions: string | undefined): PromptMessage[] {
  const messages: PromptMessage[] = [];
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

/** The model of a request: 404 when unknown or not a model that generates text. */
function responsesModel(catalog: ModelCatalog, model: string): CatalogModel {
  const found = catalog.find(model);
  if (found === undefined) throw modelNotFound(model);
  if (found.kind !== 'chat') throw wrongEndpointForModel(`The model \`${model}\` is not supported in the v1/responses endpoint.`);
  return found;
}

function readIncludesLogprobs(body: JsonObject): boolean {
  const include = body['include'];
  if (include === undefined || include === null) return false;
  if (!Array.isArray(include)) throw invalidType('include', 'an array of strings', include);
  return include.includes(LOGPROBS_INCLUDE);
}

/** Validates a Responses API body; throws SimulatorHttpError (400, 404) on the first problem. */
export function parseResponsesRequest(body: JsonObject, catalog: ModelCatalog): ResponsesRequest {
  const model = requireString(body, 'model');
  const input = body['input'];
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw invalidType('input', 'one of a string or array of input items', input);
  }
  const instructions = optionalString(body, 'instructions');
  const messages = inputToMessages(input, instructions);
  const lastItem = Array.isArray(input) ? input.at(-1) : undefined;

  const streamOptions = optionalObject(body, 'stream_options');
  const reasoning = optionalObject(body, 'reasoning');
  const text = optionalObject(body, 'text');
  const format = readResponsesTextFormat(text);
  const metadata = optionalObject(body, 'metadata');
  const requestedEffort = reasoning === undefined ? undefined : optionalEnum(reasoning, 'effort', REASONING_EFFORTS);
  const topLogprobs = optionalInteger(body, 'top_logprobs', 0, 20) ?? 0;
  const includeLogprobs = readIncludesLogprobs(body);
  const tools = readResponsesTools(body);
  const retention = optionalEnum(body, 'prompt_cache_retention', PROMPT_CACHE_RETENTIONS);
  const stream = optionalBoolean(body, 'stream') ?? false;
  if (streamOptions !== undefined && !stream) {
    throw new SimulatorHttpError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'invalid_request_error', 'stream_options', null);
  }

  // Checks that depend on the model come after the model is known to exist.
  const catalogModel = responsesModel(catalog, model);
  const reasoningEffort = effectiveEffort(catalogModel, requestedEffort, 'responses');
  if ((includeLogprobs || topLogprobs > 0) && isReasoningModel(catalogModel)) {
    throw unsupportedParameter('top_logprobs', "Unsupported parameter: 'top_logprobs' is not supported with this model.");
  }
  requireJsonMention(
    format,
    messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))),
    'input',
    "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
  );

  return {
    model,
    catalogModel,
    messages,
    endsWithToolResult: isJsonObject(lastItem) && lastItem['type'] === 'function_call_output',
    instructions,
    stream,
    includeObfuscation: streamOptions === undefined ? true : optionalBoolean(streamOptions, 'include_obfuscation') ?? true,
    maxOutputTokens: optionalInteger(body, 'max_output_tokens', MIN_OUTPUT_TOKENS),
    reasoningEffort,
    serviceTier: optionalEnum(body, 'service_tier', SERVICE_TIERS),
    text,
    format,
    tools,
    toolDefinitions: Array.isArray(body['tools']) ? body['tools'] : [],
    toolChoice: body['tool_choice'] ?? 'auto',
    topLogprobs,
    includeLogprobs,
    promptCacheKey: optionalString(body, 'prompt_cache_key'),
    extendedCacheRetention: retention === '24h',
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    store: optionalBoolean(body, 'store'),
    metadata,
    previousResponseId: optionalString(body, 'previous_response_id'),
    user: optionalString(body, 'user'),
  };
}
