/**
 * `POST /v1/completions` (legacy text completions), streaming included.
 */
import { planCompletion, type PlannedChoice } from './completion-planner.ts';
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { alnumId } from './id-generator.ts';
import { systemFingerprintFor, type CatalogModel, type ModelCatalog } from './model-catalog.ts';
import { emptyArray, invalidType, missingParameter, modelNotFound, wrongEndpointForModel } from './openai-error.ts';
import { countText, decodeTokens, type Encoding } from './token-counter.ts';
import {
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalStopSequences,
  requireString,
  type JsonObject,
} from './request-checks.ts';
import { RequestMemo } from './request-memo.ts';
import { DONE_EVENT, dataEvent } from './sse-writer.ts';

/** The legacy endpoint's default cap when `max_tokens` is omitted. */
const DEFAULT_MAX_TOKENS = 16;

interface PromptPlan {
  /** Prompt as text (token prompts are decoded) for echo and seeding. */
  text: string;
  tokens: number;
  echo: boolean;
  choices: PlannedChoice[];
}

interface CompletionsPlan {
  model: string;
  fingerprint: string;
  stream: boolean;
  includeUsage: boolean;
  prompts: PromptPlan[];
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t));
}

/** Normalises `prompt` into a list of prompts, each text or token ids. */
function readPrompts(body: JsonObject): Array<string | number[]> {
  const prompt = body['prompt'];
  if (prompt === undefined || prompt === null) throw missingParameter('prompt');
  if (typeof prompt === 'string') return [prompt];
  if (!Array.isArray(prompt)) throw invalidType('prompt', 'a string or an array', prompt);
  if (prompt.length === 0) throw emptyArray('prompt');
  if (isTokenArray(prompt)) return [prompt];
  return prompt.map((p, i) => {
    if (typeof p === 'string' || isTokenArray(p)) return p;
    throw invalidType(`prompt[${i}]`, 'a string or an array of integers', p);
  });
}

// Token ids outside the vocabulary cannot be decoded; they still seed a reply.
function decodeTokenPrompt(tokens: number[], encoding: Encoding): string {
  try {
    return decodeTokens(tokens, encoding);
  } catch {
    return tokens.join(' ');
  }
}

/** The model of a request: 404 when unknown, 404 for chat models (OpenAI's wording). */
function completionModel(catalog: ModelCatalog, model: string): CatalogModel {
  const found = catalog.find(model);
  if (found === undefined) throw modelNotFound(model);
  if (found.kind !== 'completion') {
    throw wrongEndpointForModel('This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?');
  }
  return found;
}

function planCompletions(body: JsonObject, catalog: ModelCatalog): CompletionsPlan {
  const model = requireString(body, 'model');
  const prompts = readPrompts(body);
  const stream = optionalBoolean(body, 'stream') ?? false;
  const streamOptions = optionalObject(body, 'stream_options');
  const n = optionalInteger(body, 'n', 1, 128) ?? 1;
  const maxTokens = optionalInteger(body, 'max_tokens', 0) ?? DEFAULT_MAX_TOKENS;
  const echo = optionalBoolean(body, 'echo') ?? false;
  const stop = optionalStopSequences(body);
  optionalNumber(body, 'temperature', 0, 2);
  optionalNumber(body, 'top_p', 0, 1);
  const catalogModel = completionModel(catalog, model);
  const encoding = catalogModel.encoding;

  return {
    model: catalogModel.snapshot,
    fingerprint: systemFingerprintFor(catalogModel.snapshot),
    stream,
    includeUsage: streamOptions !== undefined && optionalBoolean(streamOptions, 'include_usage') === true,
    prompts: prompts.map((prompt) => {
      const text = typeof prompt === 'string' ? prompt : decodeTokenPrompt(prompt, encoding);
      return {
        text,
        tokens: typeof prompt === 'string' ? countText(prompt, encoding) : prompt.length,
        echo,
        choices: planCompletion({ seedText: text, encoding, n, maxTokens, stop }),
      };
    }),
  };
}

function usageOf(plan: CompletionsPlan) {
  let prompt = 0;
  let completion = 0;
  for (const p of plan.prompts) {
    prompt += p.tokens;
    for (const c of p.choices) completion += c.textTokens;
  }
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function completionBody(plan: CompletionsPlan, id: string, created: number) {
  const choices: unknown[] = [];
  for (const prompt of plan.prompts) {
    for (const choice of prompt.choices) {
      choices.push({
        text: prompt.echo ? prompt.text + choice.text : choice.text,
        index: choices.length,
        logprobs: null,
        finish_reason: choice.finishReason,
      });
    }
  }
  return {
    id,
    object: 'text_completion',
    created,
    model: plan.model,
    system_fingerprint: plan.fingerprint,
    choices,
    usage: usageOf(plan),
  };
}

function completionEvents(plan: CompletionsPlan, id: string, created: number): string[] {
  const events: string[] = [];
  const chunk = (choices: unknown[], usage?: unknown): string => {
    const payload: Record<string, unknown> = {
      id,
      object: 'text_completion',
      created,
      model: plan.model,
      system_fingerprint: plan.fingerprint,
      choices,
    };
    if (usage !== undefined) payload['usage'] = usage;
    return dataEvent(payload);
  };
  let index = 0;
  for (const prompt of plan.prompts) {
    for (const choice of prompt.choices) {
      if (prompt.echo) events.push(chunk([{ text: prompt.text, index, logprobs: null, finish_reason: null }]));
      for (const piece of choice.pieces) events.push(chunk([{ text: piece, index, logprobs: null, finish_reason: null }]));
      events.push(chunk([{ text: '', index, logprobs: null, finish_reason: choice.finishReason }]));
      index++;
    }
  }
  if (plan.includeUsage) events.push(chunk([], usageOf(plan)));
  events.push(DONE_EVENT);
  return events;
}

/** Creates the legacy completions handler (with its own memo of recent bodies). */
export function createCompletionsHandler(catalog: ModelCatalog): EndpointHandler {
  const memo = new RequestMemo<CompletionsPlan>();
  return (request): EndpointResult => {
    const { value: plan } = memo.lookup(request.rawBody, () => planCompletions(request.body, catalog));
    const id = alnumId('cmpl-', 29);
    const created = Math.floor(Date.now() / 1000);
    const tokens = usageOf(plan).total_tokens;
    if (!plan.stream) return jsonResult(completionBody(plan, id, created), tokens);
    return { type: 'sse', events: completionEvents(plan, id, created), tokens };
  };
}
