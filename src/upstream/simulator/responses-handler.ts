/**
 * `POST /v1/responses`: Response objects and the typed event stream
 * (response.created … response.completed) with sequence numbers.
 */
import { countChatPromptTokens } from '../../metering/index.ts';
import { replySeed } from './chat-request.ts';
import { planCompletion, type PlannedChoice } from './completion-planner.ts';
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { hexId } from './id-generator.ts';
import { isReasoningModel, resolveModelSnapshot } from './model-catalog.ts';
import { obfuscationFor } from './obfuscation-padding.ts';
import { effectiveServiceTier } from './request-checks.ts';
import { RequestMemo } from './request-memo.ts';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request.ts';
import { typedEvent } from './sse-writer.ts';
import { cachedPromptTokens, responseUsage } from './usage-builder.ts';

interface ResponsesPlan {
  request: ResponsesRequest;
  model: string;
  inputTokens: number;
  choice: PlannedChoice;
}

function planResponses(body: Record<string, unknown>): ResponsesPlan {
  const request = parseResponsesRequest(body);
  const [choice] = planCompletion({
    seedText: replySeed(request.messages),
    model: request.model,
    n: 1,
    maxTokens: request.maxOutputTokens,
    reasoningEffort: request.reasoningEffort,
    json: request.json,
  });
  return {
    request,
    model: resolveModelSnapshot(request.model),
    inputTokens: countChatPromptTokens(request.messages, request.model),
    choice: choice as PlannedChoice,
  };
}

/** Ids and timestamps of one response. */
interface ResponseIds {
  id: string;
  messageId: string;
  reasoningId: string;
  createdAt: number;
}

type ResponseStatus = 'in_progress' | 'completed' | 'incomplete';

function outputText(text: string) {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function messageItem(ids: ResponseIds, status: ResponseStatus, content: unknown[]) {
  return { id: ids.messageId, type: 'message', status, content, role: 'assistant' };
}

function reasoningItem(ids: ResponseIds) {
  return { id: ids.reasoningId, type: 'reasoning', summary: [] };
}

/** Whether the reply produced a message item (a reasoning model can exhaust its budget first). */
function hasMessage(choice: PlannedChoice): boolean {
  return choice.text.length > 0 || choice.finishReason === 'stop';
}

function finalStatus(choice: PlannedChoice): ResponseStatus {
  return choice.finishReason === 'length' ? 'incomplete' : 'completed';
}

function finalOutput(plan: ResponsesPlan, ids: ResponseIds): unknown[] {
  const output: unknown[] = [];
  if (isReasoningModel(plan.request.model)) output.push(reasoningItem(ids));
  if (hasMessage(plan.choice)) output.push(messageItem(ids, finalStatus(plan.choice), [outputText(plan.choice.text)]));
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
    parallel_tool_calls: true,
    previous_response_id: request.previousResponseId ?? null,
    prompt_cache_key: null,
    reasoning: {
      effort: request.reasoningEffort ?? (isReasoningModel(request.model) ? 'medium' : null),
      summary: null,
    },
    safety_identifier: null,
    service_tier: effectiveServiceTier(request.serviceTier),
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
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
  const status = finalStatus(choice);

  emit('response.created', { response: responseObject(plan, ids, 'in_progress', [], undefined) });
  emit('response.in_progress', { response: responseObject(plan, ids, 'in_progress', [], undefined) });

  let outputIndex = 0;
  if (isReasoningModel(plan.request.model)) {
    emit('response.output_item.added', { output_index: outputIndex, item: reasoningItem(ids) });
    emit('response.output_item.done', { output_index: outputIndex, item: reasoningItem(ids) });
    outputIndex++;
  }
  if (hasMessage(choice)) {
    const at = { item_id: ids.messageId, output_index: outputIndex, content_index: 0 };
    emit('response.output_item.added', { output_index: outputIndex, item: messageItem(ids, 'in_progress', []) });
    emit('response.content_part.added', { ...at, part: outputText('') });
    choice.pieces.forEach((delta, i) => {
      const fields: Record<string, unknown> = { ...at, delta, logprobs: [] };
      if (plan.request.includeObfuscation) fields['obfuscation'] = obfuscationFor(i);
      emit('response.output_text.delta', fields);
    });
    emit('response.output_text.done', { ...at, text: choice.text, logprobs: [] });
    emit('response.content_part.done', { ...at, part: outputText(choice.text) });
    emit('response.output_item.done', {
      output_index: outputIndex,
      item: messageItem(ids, status, [outputText(choice.text)]),
    });
  }
  const usage = responseUsage(plan.inputTokens, cachedTokens, choice);
  const final = responseObject(plan, ids, status, finalOutput(plan, ids), usage);
  emit(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final });
  return events;
}

/** Creates the Responses API handler (with its own memo of recent bodies). */
export function createResponsesHandler(): EndpointHandler {
  const memo = new RequestMemo<ResponsesPlan>();
  return (request): EndpointResult => {
    const { value: plan, seenBefore } = memo.lookup(request.rawBody, () => planResponses(request.body));
    const cachedTokens = cachedPromptTokens(plan.inputTokens, seenBefore);
    const ids: ResponseIds = {
      id: hexId('resp_', 48),
      messageId: hexId('msg_', 48),
      reasoningId: hexId('rs_', 48),
      createdAt: Math.floor(Date.now() / 1000),
    };
    const tokens = plan.inputTokens + plan.choice.textTokens + plan.choice.reasoningTokens;
    if (!plan.request.stream) {
      const usage = responseUsage(plan.inputTokens, cachedTokens, plan.choice);
      return jsonResult(responseObject(plan, ids, finalStatus(plan.choice), finalOutput(plan, ids), usage), tokens);
    }
    return { type: 'sse', events: responseEvents(plan, ids, cachedTokens), tokens };
  };
}
