/**
 * `POST /v1/chat/completions`: chat.completion objects and
 * chat.completion.chunk streams with exact prompt and completion usage.
 */
import { countChatPromptTokens } from '../../metering/index.ts';
import { parseChatRequest, replySeed, type ChatRequest } from './chat-request.ts';
import { planCompletion, reasoningTokensFor, type PlannedChoice } from './completion-planner.ts';
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { alnumId } from './id-generator.ts';
import { resolveModelSnapshot, systemFingerprintFor } from './model-catalog.ts';
import { obfuscationFor } from './obfuscation-padding.ts';
import { effectiveServiceTier } from './request-checks.ts';
import { DONE_EVENT, dataEvent } from './sse-writer.ts';
import { RequestMemo } from './request-memo.ts';
import { planToolCall, type PlannedToolCall } from './tool-call-planner.ts';
import { cachedPromptTokens, chatUsage } from './usage-builder.ts';

/** A planned choice: reply text, or (when a tool is forced) a function call. */
interface ChatChoice extends Omit<PlannedChoice, 'finishReason'> {
  finishReason: PlannedChoice['finishReason'] | 'tool_calls';
  toolCall?: PlannedToolCall;
}

/** Everything about a chat request that depends only on its body. */
interface ChatPlan {
  request: ChatRequest;
  model: string;
  serviceTier: string;
  fingerprint: string;
  promptTokens: number;
  choices: ChatChoice[];
}

function planToolChoices(request: ChatRequest, seedText: string): ChatChoice[] | undefined {
  const tool = request.forcedTool;
  if (tool === undefined) return undefined;
  const reasoningTokens = reasoningTokensFor(seedText, request.model, request.reasoningEffort);
  return Array.from({ length: request.n }, (_, index) => {
    const toolCall = planToolCall(tool, seedText, request.model, index);
    return { text: '', finishReason: 'tool_calls', textTokens: toolCall.tokens, reasoningTokens, pieces: [], toolCall };
  });
}

function planChat(body: Record<string, unknown>): ChatPlan {
  const request = parseChatRequest(body);
  const seedText = replySeed(request.messages);
  return {
    request,
    model: resolveModelSnapshot(request.model),
    serviceTier: effectiveServiceTier(request.serviceTier),
    fingerprint: systemFingerprintFor(request.model),
    promptTokens: countChatPromptTokens(request.messages, request.model),
    choices: planToolChoices(request, seedText) ?? planCompletion({
      seedText,
      model: request.model,
      n: request.n,
      maxTokens: request.maxTokens,
      stop: request.stop,
      reasoningEffort: request.reasoningEffort,
      json: request.json,
    }),
  };
}

function chatCompletionBody(plan: ChatPlan, id: string, created: number, cachedTokens: number) {
  return {
    id,
    object: 'chat.completion',
    created,
    model: plan.model,
    choices: plan.choices.map((choice, index) => ({
      index,
      message: choice.toolCall === undefined
        ? { role: 'assistant', content: choice.text, refusal: null, annotations: [] }
        : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: choice.toolCall.id, type: 'function', function: { name: choice.toolCall.name, arguments: choice.toolCall.arguments } }],
          annotations: [],
        },
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: chatUsage(plan.promptTokens, cachedTokens, plan.choices),
    service_tier: plan.serviceTier,
    system_fingerprint: plan.fingerprint,
  };
}

function chatChunkEvents(plan: ChatPlan, id: string, created: number, cachedTokens: number): string[] {
  const { includeUsage, includeObfuscation } = plan.request;
  const events: string[] = [];
  const chunk = (choices: unknown[], usage?: unknown): string => {
    const payload: Record<string, unknown> = {
      id,
      object: 'chat.completion.chunk',
      created,
      model: plan.model,
      service_tier: plan.serviceTier,
      system_fingerprint: plan.fingerprint,
      choices,
    };
    // `usage` appears (as null until the last chunk) only when usage was requested.
    if (includeUsage) payload['usage'] = usage ?? null;
    if (includeObfuscation) payload['obfuscation'] = obfuscationFor(events.length);
    return dataEvent(payload);
  };

  const delta = (index: number, value: unknown): string => chunk([{ index, delta: value, logprobs: null, finish_reason: null }]);
  plan.choices.forEach((choice, index) => {
    const call = choice.toolCall;
    if (call === undefined) {
      events.push(delta(index, { role: 'assistant', content: '', refusal: null }));
      for (const piece of choice.pieces) events.push(delta(index, { content: piece }));
      return;
    }
    // Tool calls stream as: id and name with empty arguments, then argument fragments.
    events.push(delta(index, {
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      refusal: null,
    }));
    for (const piece of call.argumentPieces) {
      events.push(delta(index, { tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
  });
  plan.choices.forEach((choice, index) => {
    events.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: choice.finishReason }]));
  });
  if (includeUsage) events.push(chunk([], chatUsage(plan.promptTokens, cachedTokens, plan.choices)));
  events.push(DONE_EVENT);
  return events;
}

/** Creates the chat completions handler (with its own memo of recent bodies). */
export function createChatHandler(): EndpointHandler {
  const memo = new RequestMemo<ChatPlan>();
  return (request): EndpointResult => {
    const { value: plan, seenBefore } = memo.lookup(request.rawBody, () => planChat(request.body));
    const cachedTokens = cachedPromptTokens(plan.promptTokens, seenBefore);
    const id = alnumId('chatcmpl-', 29);
    const created = Math.floor(Date.now() / 1000);
    const tokens = plan.promptTokens + plan.choices.reduce((sum, c) => sum + c.textTokens + c.reasoningTokens, 0);
    if (!plan.request.stream) return jsonResult(chatCompletionBody(plan, id, created, cachedTokens), tokens);
    return { type: 'sse', events: chatChunkEvents(plan, id, created, cachedTokens), tokens };
  };
}
