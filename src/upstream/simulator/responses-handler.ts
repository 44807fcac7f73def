/**
 * `POST /v1/responses`: Response objects and the typed event stream
 * (response.created … response.completed) with sequence numbers, function
 * calls, structured outputs, logprobs, reasoning tokens and prompt caching.
 */
import { replySeed } from './chat-request.ts';
import { planCompletion, type PlannedChoice } from './completion-planner.ts';
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { hexId } from './id-generator.ts';
import { tokenLogprobs, type TokenLogprob } from './logprobs-builder.ts';
import { isReasoningModel, type ModelCatalog } from './model-catalog.ts';
import { obfuscationFor } from './obfuscation-padding.ts';
import { promptBlocks, type PromptCache } from './prompt-cache.ts';
import { functionOf, promptTokenSequence } from './prompt-tokens.ts';
import { reasoningTokensFor } from './reasoning-options.ts';
import { effectiveServiceTier } from './request-checks.ts';
import { RequestMemo } from './request-memo.ts';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request.ts';
import { typedEvent } from './sse-writer.ts';
import { chooseFunctions, planToolCall, type PlannedToolCall } from './tool-call-planner.ts';
import { responseUsage } from './usage-builder.ts';

/** Tokens per `response.output_text.delta`; logprobs are sliced the same way. */
const TOKENS_PER_DELTA = 3;

interface ResponsesPlan {
  request: ResponsesRequest;
  model: string;
  inputTokens: number;
  cacheBlocks: string[];
  choice: PlannedChoice;
  toolCalls: PlannedToolCall[];
  /** Logprobs of the output text when `include` asks for them, else []. */
  logprobs: TokenLogprob[];
  /** `tools` as the response echoes them (function tools normalised). */
  echoedTools: unknown[];
}

function echoTools(request: ResponsesRequest): unknown[] {
  return request.toolDefinitions.map((tool) => {
    const fn = functionOf(tool);
    if (fn === undefined) return tool;
    const parsed = request.tools.functions.find((f) => f.name === fn['name']);
    return {
      type: 'function',
      name: fn['name'],
      description: parsed?.description === '' ? null : parsed?.description ?? null,
      parameters: parsed?.parameters ?? null,
      strict: parsed?.strict ?? true,
    };
  });
}

function planResponses(body: Record<string, unknown>, catalog: ModelCatalog): ResponsesPlan {
  const request = parseResponsesRequest(body, catalog);
  const model = request.catalogModel;
  const seedText = replySeed(request.messages);
  const reasoningTokens = reasoningTokensFor(seedText, request.reasoningEffort);
  const functions = chooseFunctions(request.tools.functions, request.tools.choice, request.tools.parallel, {
    userText: seedText,
    endsWithToolResult: request.endsWithToolResult,
  });
  const toolCalls = functions.map((fn, position) => planToolCall(fn, seedText, model.encoding, 0, position));
  const [planned] = planCompletion({
    seedText,
    encoding: model.encoding,
    n: 1,
    maxTokens: request.maxOutputTokens,
    reasoningTokens,
    format: request.format,
  });
  let choice = planned as PlannedChoice;
  if (toolCalls.length > 0) {
    const textTokens = toolCalls.reduce((sum, call) => sum + call.tokens, 0);
    choice = { text: '', finishReason: 'stop', textTokens, reasoningTokens, tokenTexts: [], pieces: [] };
  }
  const prompt = promptTokenSequence(request.messages, request.toolDefinitions, model.encoding, model.snapshot);
  return {
    request,
    model: model.snapshot,
    inputTokens: prompt.length,
    cacheBlocks: promptBlocks(prompt, { model: model.snapshot, promptCacheKey: request.promptCacheKey, extendedRetention: request.extendedCacheRetention }),
    choice,
    toolCalls,
    logprobs: request.includeLogprobs && toolCalls.length === 0 ? tokenLogprobs(choice.tokenTexts, request.topLogprobs, seedText) : [],
    echoedTools: echoTools(request),
  };
}

/** Ids and timestamps of one response. */
interface ResponseIds {
  id: string;
  messageId: string;
  reasoningId: string;
  callIds: string[];
  createdAt: number;
}

type ResponseStatus = 'in_progress' | 'completed' | 'incomplete';

function outputText(text: string, logprobs: readonly TokenLogprob[]) {
  return { type: 'output_text', text, annotations: [], logprobs };
}

function messageItem(ids: ResponseIds, status: ResponseStatus, content: unknown[]) {
  return { id: ids.messageId, type: 'message', status, content, role: 'assistant' };
}

function reasoningItem(ids: ResponseIds) {
  return { id: ids.reasoningId, type: 'reasoning', summary: [] };
}

function functionCallItem(ids: ResponseIds, call: PlannedToolCall, position: number, status: 'in_progress' | 'completed') {
  return {
    id: ids.callIds[position],
    type: 'function_call',
    status,
    arguments: status === 'completed' ? call.arguments : '',
    call_id: call.id,
    name: call.name,
  };
}

/** Whether the reply produced a message item (a reasoning model can exhaust its budget first). */
function hasMessage(plan: ResponsesPlan): boolean {
  return plan.toolCalls.length === 0 && (plan.choice.text.length > 0 || plan.choice.finishReason === 'stop');
}

function finalStatus(plan: ResponsesPlan): ResponseStatus {
  return plan.toolCalls.length === 0 && plan.choice.finishReason === 'length' ? 'incomplete' : 'completed';
}

function finalOutput(plan: ResponsesPlan, ids: ResponseIds): unknown[] {
  const output: unknown[] = [];
  if (isReasoningModel(plan.request.catalogModel)) output.push(reasoningItem(ids));
  plan.toolCalls.forEach((call, position) => output.push(functionCallItem(ids, call, position, 'completed')));
  if (hasMessage(plan)) output.push(messageItem(ids, finalStatus(plan), [outputText(plan.choice.text, plan.logprobs)]));
  return output;
}

function responseObject(
  plan: ResponsesPlan,
  ids: ResponseIds,
  status: ResponseStatus,
  output: unknown[],
  usage: ReturnType<typeof responseUsage> | undefined,
) {
  const { request } = plan;
  const done = status !== 'in_progress';
  const body: Record<string, unknown> = {
    id: ids.id,
    object: 'response',
    created_at: ids.createdAt,
    status,
    background: false,
    completed_at: status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: done && status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.maxOutputTokens ?? null,
    max_tool_calls: null,
    model: plan.model,
    output,
    parallel_tool_calls: request.tools.parallel,
    previous_response_id: request.previousResponseId ?? null,
    prompt_cache_key: request.promptCacheKey ?? null,
    reasoning: { effort: request.reasoningEffort ?? null, summary: null },
    safety_identifier: null,
    service_tier: effectiveServiceTier(request.serviceTier),
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: request.toolChoice,
    tools: plan.echoedTools,
    top_logprobs: request.topLogprobs,
    top_p: request.topP ?? 1,
    truncation: 'disabled',
    metadata: request.metadata ?? {},
  };
  // The live API sends `"user": null`, but the schema types it as a plain string.
  if (request.user !== undefined) body['user'] = request.user;
  // The schema has no null for usage, so in-progress snapshots leave it out.
  if (usage !== undefined) body['usage'] = usage;
  return body;
}

function responseEvents(plan: ResponsesPlan, ids: ResponseIds, cachedTokens: number): string[] {
  const events: string[] = [];
  const emit = (type: string, fields: Record<string, unknown>): void => {
    events.push(typedEvent(type, { type, ...fields, sequence_number: events.length }));
  };
  const { choice } = plan;
  const status = finalStatus(plan);

  emit('response.created', { response: responseObject(plan, ids, 'in_progress', [], undefined) });
  emit('response.in_progress', { response: responseObject(plan, ids, 'in_progress', [], undefined) });

  let outputIndex = 0;
  if (isReasoningModel(plan.request.catalogModel)) {
    emit('response.output_item.added', { output_index: outputIndex, item: reasoningItem(ids) });
    emit('response.output_item.done', { output_index: outputIndex, item: reasoningItem(ids) });
    outputIndex++;
  }
  plan.toolCalls.forEach((call, position) => {
    const itemId = ids.callIds[position];
    emit('response.output_item.added', { output_index: outputIndex, item: functionCallItem(ids, call, position, 'in_progress') });
    for (const delta of call.argumentPieces) {
      const fields: Record<string, unknown> = { item_id: itemId, output_index: outputIndex, delta };
      if (plan.request.includeObfuscation) fields['obfuscation'] = obfuscationFor(events.length);
      emit('response.function_call_arguments.delta', fields);
    }
    emit('response.function_call_arguments.done', { item_id: itemId, output_index: outputIndex, name: call.name, arguments: call.arguments });
    emit('response.output_item.done', { output_index: outputIndex, item: functionCallItem(ids, call, position, 'completed') });
    outputIndex++;
  });
  if (hasMessage(plan)) {
    const at = { item_id: ids.messageId, output_index: outputIndex, content_index: 0 };
    emit('response.output_item.added', { output_index: outputIndex, item: messageItem(ids, 'in_progress', []) });
    emit('response.content_part.added', { ...at, part: outputText('', []) });
    choice.pieces.forEach((delta, i) => {
      const logprobs = plan.logprobs.slice(i * TOKENS_PER_DELTA, (i + 1) * TOKENS_PER_DELTA);
      const fields: Record<string, unknown> = { ...at, delta, logprobs };
      if (plan.request.includeObfuscation) fields['obfuscation'] = obfuscationFor(i);
      emit('response.output_text.delta', fields);
    });
    emit('response.output_text.done', { ...at, text: choice.text, logprobs: plan.logprobs });
    emit('response.content_part.done', { ...at, part: outputText(choice.text, plan.logprobs) });
    emit('response.output_item.done', {
      output_index: outputIndex,
      item: messageItem(ids, status, [outputText(choice.text, plan.logprobs)]),
    });
  }
  const usage = responseUsage(plan.inputTokens, cachedTokens, choice);
  const final = responseObject(plan, ids, status, finalOutput(plan, ids), usage);
  emit(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final });
  return events;
}

/** Creates the Responses API handler (with its own memo of recent bodies). */
export function createResponsesHandler(catalog: ModelCatalog, promptCache: PromptCache): EndpointHandler {
  const memo = new RequestMemo<ResponsesPlan>();
  return (request): EndpointResult => {
    const { value: plan } = memo.lookup(request.rawBody, () => planResponses(request.body, catalog));
    const cachedTokens = promptCache.use(plan.cacheBlocks, plan.request.extendedCacheRetention);
    const ids: ResponseIds = {
      id: hexId('resp_', 48),
      messageId: hexId('msg_', 48),
      reasoningId: hexId('rs_', 48),
      callIds: plan.toolCalls.map(() => hexId('fc_', 48)),
      createdAt: Math.floor(Date.now() / 1000),
    };
    const tokens = plan.inputTokens + plan.choice.textTokens + plan.choice.reasoningTokens;
    if (!plan.request.stream) {
      const usage = responseUsage(plan.inputTokens, cachedTokens, plan.choice);
      return jsonResult(responseObject(plan, ids, finalStatus(plan), finalOutput(plan, ids), usage), tokens);
    }
    return { type: 'sse', events: responseEvents(plan, ids, cachedTokens), tokens };
  };
}
