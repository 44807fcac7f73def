/**
 * `reasoning_effort` (chat) and `reasoning.effort` (Responses): which values
 * a model accepts, the effort it runs at, and the hidden reasoning tokens
 * that effort costs.
 */
import { isReasoningModel, type CatalogModel } from './model-catalog.ts';
import { SimulatorHttpError, unsupportedParameter } from './openai-error.ts';
import { hashString } from './reply-generator.ts';

/** Effort a reasoning model runs at when the request names none. */
const DEFAULT_EFFORT = 'medium';
/** Reasoning tokens come in multiples of this. */
const REASONING_STEP = 64;

function quotedList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}` : quoted.join('');
}

/**
 * The effort `model` runs at, refusing what OpenAI refuses: any effort on a
 * model that does not reason (chat: "Unrecognized request argument";
 * Responses: unsupported parameter), and an effort the model does not
 * offer (e.g. `minimal` on o3, `none` on gpt-5). Undefined for non-reasoning models.
 */
export function effectiveEffort(model: CatalogModel, requested: string | undefined, api: 'chat' | 'responses'): string | undefined {
  const param = api === 'chat' ? 'reasoning_effort' : 'reasoning.effort';
  if (!isReasoningModel(model)) {
    if (requested === undefined) return undefined;
    if (api === 'chat') {
      throw new SimulatorHttpError(400, 'Unrecognized request argument supplied: reasoning_effort', 'invalid_request_error', null, null);
    }
    throw unsupportedParameter(param, `Unsupported parameter: '${param}' is not supported with this model.`);
  }
  if (requested === undefined) return DEFAULT_EFFORT;
  if (!model.reasoningEfforts.includes(requested)) {
    throw new SimulatorHttpError(
      400,
      `Unsupported value: '${param}' does not support '${requested}' with this model. Supported values are: ${quotedList(model.reasoningEfforts)}.`,
      'invalid_request_error',
      param,
      'unsupported_value',
    );
  }
  return requested;
}

/**
 * Hidden reasoning tokens for a request at `effort`: a multiple of 64 derived
 * from the seed, growing with effort (minimal/none 0 < low < medium < high < xhigh).
 */
export function reasoningTokensFor(seedText: string, effort: string | undefined): number {
  if (effort === undefined) return 0;
  const steps = 2 + (hashString(seedText, 0x5bd1e995) % 6);
  switch (effort) {
    case 'none':
    case 'minimal':
      return 0;
    case 'low':
      return REASONING_STEP * Math.max(1, Math.floor(steps / 2));
    case 'high':
      return REASONING_STEP * steps * 3;
    case 'xhigh':
      return REASONING_STEP * steps * 6;
    default:
      return REASONING_STEP * steps;
  }
}
