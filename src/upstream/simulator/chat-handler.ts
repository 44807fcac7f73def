/**
 * `POST /v1/chat/completions`: chat.completion objects and
 * chat.completion.chunk streams with exact prompt and completion usage,
 * tool calls, structured outputs, logprobs, reasoning tokens and prompt caching.
 */
import { parseChatRequest, replySeed, type ChatRequest } from './chat-request.ts';
import { planCompletion, type PlannedChoice } from './completion-planner.ts';
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { alnumId } from './id-generator.ts';
import { tokenLogprobs, type TokenLogprob } from './logprobs-builder.ts';
import { systemFingerprintFor, type ModelCatalog } from './model-catalog.ts';
import { obfuscationFor } from './obfuscation-padding.ts';
import { promptBlocks, type PromptCache } from './prompt-cache.ts';
import { promptTokenSequence } from './prompt-tokens.ts';
import { reasoningTokensFor } from './reasoning-options.ts';
import { effectiveServiceTier } from './request-checks.ts';
import { RequestMemo } from './request-memo.ts';
import { DONE_EVENT, dataEvent } from './sse-writer.ts';
import { chooseFunctions, planToolCall, type PlannedToolCall } from './tool-call-planner.ts';
import { chatUsage } from './usage-builder.ts';

/** Tokens per stream delta; logprobs are sliced the same way. */
const TOKENS_PER_DELTA = 3;

/** A planned choice: text (with its logprobs when asked for), or function calls. */
interface ChatChoice extends Omit<PlannedChoice, 'finishReason'> {
  finishReason: PlannedChoice['finishReason'] | 'tool_calls';
  toolCalls: PlannedToolCall[];
  logprobs: TokenLogprob[] | undefined;
}

/** Everything about a chat request that depends only on its body. */
interface ChatPlan {
  request: ChatRequest;
  model: string;
  serviceTier: string;
  fingerprint: string;
  promptTokens: number;
  cacheBlocks: string[];
  choices: ChatChoice[];
}

function planChoices(request: ChatRequest, seedText: string): ChatChoice[] {
  const encoding = request.catalogModel.encoding;
  const reasoningTokens = reasoningTokensFor(seedText, request.reasoningEffort);
  const last = request.messages.at(-1);
  const functions = chooseFunctions(request.tools.functions, request.tools.choice, request.tools.parallel, {
    userText: seedText,
    endsWithToolResult: last?.role === 'tool' || last?.role === 'function',
  });
  if (functions.length > 0) {
    return Array.from({ length: request.n }, (_, index) => {
      const toolCalls = functions.map((fn, position) => planToolCall(fn, seedText, encoding, index, position));
      const textTokens = toolCalls.reduce((sum, call) => sum + call.tokens, 0);
      return { text: '', finishReason: 'tool_calls', textTokens, reasoningTokens, tokenTexts: [], pieces: [], toolCalls, logprobs: undefined };
    });
  }
  const choices = planCompletion({
    seedText,
    encoding,
    n: request.n,
    maxTokens: request.maxTokens,
    stop: request.stop,
    reasoningTokens,
    format: request.format,
  });
  return choices.map((choice, index) => ({
    ...choice,
    toolCalls: [],
    logprobs: request.topLogprobs === undefined ? undefined : tokenLogprobs(choice.tokenTexts, request.topLogprobs, `${seedText}\u0000${index}`),
  }));
}

function planChat(body: Record<string, unknown>, catalog: ModelCatalog): ChatPlan {
  const request = parseChatRequest(body, catalog);
  const seedText = replySeed(request.messages);
  const model = request.catalogModel;
  const prompt = promptTokenSequence(request.messages, request.toolDefinitions, model.encoding, model.snapshot);
  return {
    request,
    model: model.snapshot,
    serviceTier: effectiveServiceTier(request.serviceTier),
    fingerprint: systemFingerprintFor(model.snapshot),
    promptTokens: prompt.length,
    cacheBlocks: promptBlocks(prompt, { model: model.snapshot, promptCacheKey: request.promptCacheKey, extendedRetention: request.extendedCacheRetention }),
    choices: planChoices(request, seedText),
  };
}

function toolCallObjects(calls: readonly PlannedToolCall[]) {
  return calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

function choiceLogprobs(plan: ChatPlan, choice: ChatChoice) {
  if (plan.request.topLogprobs === undefined) return null;
  return { content: choice.logprobs ?? null, refusal: null };
}

function chatCompletionBody(plan: ChatPlan, id: string, created: number, cachedTokens: number) {
  return {
    id,
    object: 'chat.completion',
    created,
    model: plan.model,
    choices: plan.choices.map((choice, index) => ({
      index,
      message: choice.toolCalls.length === 0
        ? { role: 'assistant', content: choice.text, refusal: null, annotations: [] }
        : { role: 'assistant', content: null, refusal: null, tool_calls: toolCallObjects(choice.toolCalls), annotations: [] },
      logprobs: choiceLogprobs(plan, choice),
      finish_reason: choice.finishReason,
    })),
    usage: chatUsage(plan.promptTokens, cachedTokens, plan.choices),
    service_tier: plan.serviceTier,
    system_fingerprint: plan.fingerprint,
  };
}

function chatChunkEvents(plan: ChatPlan, id: string, created: number, cachedTokens: number): string[] {
  const { includeUsage, includeObfuscation, topLogprobs } = plan.request;
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
  const delta = (index: number, value: unknown, logprobs: unknown = null): string =>
    chunk([{ index, delta: value, logprobs, finish_reason: null }]);

  plan.choices.forEach((choice, index) => {
    if (choice.toolCalls.length === 0) {
      events.push(delta(index, { role: 'assistant', content: '', refusal: null }, topLogprobs === undefined ? null : { content: [], refusal: null }));
      choice.pieces.forEach((piece, i) => {
        const logprobs = choice.logprobs === undefined
          ? null
          : { content: choice.logprobs.slice(i * TOKENS_PER_DELTA, (i + 1) * TOKENS_PER_DELTA), refusal: null };
        events.push(delta(index, { content: piece }, logprobs));
      });
      return;
    }
    // Each call streams as: its index, id and name with empty arguments, then argument fragments.
    choice.toolCalls.forEach((call, position) => {
      const opening = { index: position, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
      events.push(delta(index, position === 0 ? { role: 'assistant', content: null, tool_calls: [opening], refusal: null } : { tool_calls: [opening] }));
      for (const piece of call.argumentPieces) {
        events.push(delta(index, { tool_calls: [{ index: position, function: { arguments: piece } }] }));
      }
    });
  });
  plan.choices.forEach((choice, index) => {
    events.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: choice.finishReason }]));
  });
  if (includeUsage) events.push(chunk([], chatUsage(plan.promptTokens, cachedTokens, plan.choices)));
  events.push(DONE_EVENT);
  return events;
}

/** Creates the chat completions handler (with its own memo of recent bodies). */
export function createChatHandler(catalog: ModelCatalog, promptCache: PromptCache): EndpointHandler {
  const memo = new RequestMemo<ChatPlan>();
  return (request): EndpointResult => {
    const { value: plan } = memo.lookup(request.rawBody, () => planChat(request.body, catalog));
    const cachedTokens = promptCache.use(plan.cacheBlocks, plan.request.extendedCacheRetention);
    const id = alnumId('chatcmpl-', 29);
    const created = Math.floor(Date.now() / 1000);
    const tokens = plan.promptTokens + plan.choices.reduce((sum, c) => sum + c.textTokens + c.reasoningTokens, 0);
    if (!plan.request.stream) return jsonResult(chatCompletionBody(plan, id, created, cachedTokens), tokens);
    return { type: 'sse', events: chatChunkEvents(plan, id, created, cachedTokens), tokens };
  };
}
