/**
 * `POST /v1/moderations`: deterministic results that flag a few obvious
 * trigger phrases, plus an explicit `tollgate-flag:<category>` marker so
 * tests can flag any category on purpose.
 */
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { alnumId } from './id-generator.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { SimulatorHttpError, emptyArray, invalidType, missingParameter, modelNotFound } from './openai-error.ts';
import { countText } from './token-counter.ts';
import { hashString } from './reply-generator.ts';
import { isJsonObject, optionalString, type JsonObject } from './request-checks.ts';

const DEFAULT_MODEL = 'omni-moderation-latest';

const CATEGORIES = [
  'hate',
  'hate/threatening',
  'harassment',
  'harassment/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;

type Category = (typeof CATEGORIES)[number];

/** Categories the omni model also scores on images. */
const IMAGE_CATEGORIES: ReadonlySet<Category> = new Set([
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'violence',
  'violence/graphic',
]);

const TRIGGERS: ReadonlyArray<readonly [Category, readonly string[]]> = [
  ['violence', ['kill', 'murder', 'stab', 'shoot them']],
  ['violence/graphic', ['gore', 'dismember']],
  ['harassment', ['idiot', 'loser']],
  ['harassment/threatening', ['watch your back', 'i will hurt you']],
  ['hate', ['subhuman']],
  ['illicit', ['buy drugs', 'counterfeit money']],
  ['illicit/violent', ['build a bomb', 'make a bomb']],
  ['self-harm', ['suicide', 'self-harm']],
  ['self-harm/intent', ['i want to die']],
];

const FLAG_MARKER = /tollgate-flag:([a-z/-]+)/g;

interface ModerationInput {
  text: string;
  hasImage: boolean;
}

function readInputs(body: JsonObject): ModerationInput[] {
  const input = body['input'];
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input === 'string') return [{ text: input, hasImage: false }];
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array', input);
  if (input.length === 0) throw emptyArray('input');
  if (input.every((item) => typeof item === 'string')) return input.map((text: string) => ({ text, hasImage: false }));
  // A list of multimodal parts is one input and yields one result.
  let text = '';
  let hasImage = false;
  input.forEach((part, i) => {
    if (!isJsonObject(part)) throw invalidType(`input[${i}]`, 'an object', part);
    if (part['type'] === 'text' && typeof part['text'] === 'string') text += `${part['text']}\n`;
    else if (part['type'] === 'image_url') hasImage = true;
    else throw invalidType(`input[${i}]`, 'a text or image_url part', part);
  });
  return [{ text, hasImage }];
}

function flaggedCategories(text: string): Set<Category> {
  const lower = text.toLowerCase();
  const flagged = new Set<Category>();
  for (const [category, phrases] of TRIGGERS) {
    if (phrases.some((p) => lower.includes(p))) flagged.add(category);
  }
  for (const match of lower.matchAll(FLAG_MARKER)) {
    const category = match[1] as Category;
    if ((CATEGORIES as readonly string[]).includes(category)) flagged.add(category);
  }
  return flagged;
}

function moderationResult(input: ModerationInput) {
  const flagged = flaggedCategories(input.text);
  const hash = hashString(input.text);
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const appliedTypes: Record<string, string[]> = {};
  CATEGORIES.forEach((category, i) => {
    const isFlagged = flagged.has(category);
    const jitter = ((hash >>> (i % 24)) % 1000) / 1000;
    categories[category] = isFlagged;
    scores[category] = isFlagged ? 0.9 + jitter * 0.09 : 1e-6 + jitter * 1e-3;
    const types = input.text.trim() === '' ? [] : ['text'];
    if (input.hasImage && IMAGE_CATEGORIES.has(category)) types.push('image');
    appliedTypes[category] = types;
  });
  return {
    flagged: flagged.size > 0,
    categories,
    category_scores: scores,
    category_applied_input_types: appliedTypes,
  };
}

/** Creates the moderations handler. */
export function createModerationsHandler(catalog: ModelCatalog): EndpointHandler {
  return (request): EndpointResult => {
    const model = optionalString(request.body, 'model') ?? DEFAULT_MODEL;
    const inputs = readInputs(request.body);
    const catalogModel = catalog.find(model);
    if (catalogModel === undefined) throw modelNotFound(model);
    if (catalogModel.kind !== 'moderation') {
      throw new SimulatorHttpError(400, `The model \`${model}\` is not a moderation model.`, 'invalid_request_error', 'model', null);
    }
    const tokens = inputs.reduce((sum, input) => sum + countText(input.text, catalogModel.encoding), 0);
    return jsonResult({ id: alnumId('modr-', 29), model, results: inputs.map(moderationResult) }, tokens);
  };
}
