/**
 * `POST /v1/embeddings`: deterministic unit vectors seeded by the input, in
 * float or base64 (little-endian float32) encoding.
 */
import { jsonResult, type EndpointHandler, type EndpointResult } from './endpoint-types.ts';
import { supportsEmbeddingDimensions, type ModelCatalog } from './model-catalog.ts';
import { SimulatorHttpError, invalidType, missingParameter, modelNotFound, outOfRange } from './openai-error.ts';
import { countText } from './token-counter.ts';
import { hashString, seededRandom } from './reply-generator.ts';
import { optionalEnum, optionalInteger, requireString, type JsonObject } from './request-checks.ts';
import { RequestMemo } from './request-memo.ts';

const MAX_INPUTS = 2048;

/** One input: text, or token ids. */
type EmbeddingInput = string | number[];

function invalidInput(): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
    'invalid_request_error',
    null,
    null,
  );
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t));
}

function readInputs(body: JsonObject): EmbeddingInput[] {
  const input = body['input'];
  if (input === undefined || input === null) throw missingParameter('input');
  if (typeof input === 'string') {
    if (input.length === 0) throw invalidInput();
    return [input];
  }
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array', input);
  if (input.length === 0 || input.length > MAX_INPUTS) throw invalidInput();
  if (isTokenArray(input)) return [input];
  return input.map((item) => {
    if ((typeof item === 'string' && item.length > 0) || isTokenArray(item)) return item;
    throw invalidInput();
  });
}

/**
 * A unit vector of `dimensions` seeded by model and input. Shortened vectors
 * are the truncated native vector renormalised, which is how the
 * text-embedding-3 models shorten embeddings too.
 */
export function embeddingVector(model: string, input: EmbeddingInput, nativeDimensions: number, dimensions: number): Float32Array {
  const key = typeof input === 'string' ? `t:${input}` : `k:${input.join(',')}`;
  const random = seededRandom(hashString(key, hashString(model)));
  const raw = new Float64Array(nativeDimensions);
  for (let i = 0; i < nativeDimensions; i++) raw[i] = random() * 2 - 1;
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += (raw[i] as number) ** 2;
  norm = Math.sqrt(norm) || 1;
  const vector = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) vector[i] = (raw[i] as number) / norm;
  return vector;
}

function encodeVector(vector: Float32Array, format: 'float' | 'base64'): number[] | string {
  if (format === 'float') return Array.from(vector);
  // Float32Array uses platform byte order; the API's base64 is little-endian.
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}

function planEmbeddings(body: JsonObject, catalog: ModelCatalog) {
  const model = requireString(body, 'model');
  const inputs = readInputs(body);
  const format = optionalEnum(body, 'encoding_format', ['float', 'base64'] as const) ?? 'float';
  const requested = optionalInteger(body, 'dimensions', 1);
  const catalogModel = catalog.find(model);
  if (catalogModel === undefined) throw modelNotFound(model);
  if (catalogModel.kind !== 'embedding') {
    throw new SimulatorHttpError(400, `The model \`${model}\` does not support embeddings.`, 'invalid_request_error', 'model', null);
  }
  const native = catalogModel.embeddingDimensions;
  if (requested !== undefined && !supportsEmbeddingDimensions(catalogModel)) {
    throw new SimulatorHttpError(400, 'This model does not support specifying dimensions.', 'invalid_request_error', null, null);
  }
  if (requested !== undefined && requested > native) throw outOfRange('dimensions', requested, native, true);
  const dimensions = requested ?? native;

  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += typeof input === 'string' ? countText(input, catalogModel.encoding) : input.length;
    return { object: 'embedding', index, embedding: encodeVector(embeddingVector(model, input, native, dimensions), format) };
  });
  return {
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** Creates the embeddings handler (with its own memo of recent bodies). */
export function createEmbeddingsHandler(catalog: ModelCatalog): EndpointHandler {
  const memo = new RequestMemo<ReturnType<typeof planEmbeddings>>(64);
  return (request): EndpointResult => {
    const { value } = memo.lookup(request.rawBody, () => planEmbeddings(request.body, catalog));
    return jsonResult(value, value.usage.prompt_tokens);
  };
}
