/**
 * Output formats: plain text, JSON mode (`json_object`) and structured
 * outputs (`json_schema`), read from chat `response_format` or Responses
 * `text.format`, and the JSON text the simulated model writes for them.
 */
import { SimulatorHttpError, missingParameter } from './openai-error.ts';
import { isJsonObject, optionalEnum, type JsonObject } from './request-checks.ts';
import { sampleSchema } from './schema-sampler.ts';
import { checkStrictSchema } from './strict-schema-rules.ts';

const FORMAT_TYPES = ['text', 'json_object', 'json_schema'] as const;

/** The requested output format. */
export type OutputFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: unknown; strict: boolean };

const TEXT: OutputFormat = { type: 'text' };

/**
 * Reads a format object. `param` is where it sits ("response_format",
 * "text.format"); `schemaHolder` is the object carrying name/schema/strict
 * (nested `json_schema` in chat, the format itself in Responses).
 */
function readFormat(format: JsonObject | undefined, param: string, nested: boolean): OutputFormat {
  if (format === undefined) return TEXT;
  const type = optionalEnum(format, 'type', FORMAT_TYPES);
  if (type === undefined) throw missingParameter(`${param}.type`);
  if (type !== 'json_schema') return { type };
  const holderParam = nested ? `${param}.json_schema` : param;
  const holder = nested ? format['json_schema'] : format;
  if (!isJsonObject(holder)) throw missingParameter(holderParam);
  if (typeof holder['name'] !== 'string') throw missingParameter(`${holderParam}.name`);
  const strict = holder['strict'] === true;
  const schema = holder['schema'] ?? { type: 'object', properties: {}, required: [], additionalProperties: false };
  if (strict) checkStrictSchema(schema, `response_format '${holder['name']}'`, param, 'invalid_json_schema');
  return { type, name: holder['name'], schema, strict };
}

/** Chat Completions `response_format`. */
export function readChatResponseFormat(body: JsonObject): OutputFormat {
  const format = body['response_format'];
  if (format === undefined || format === null) return TEXT;
  if (!isJsonObject(format)) throw missingParameter('response_format.type');
  return readFormat(format, 'response_format', true);
}

/** Responses `text.format`. */
export function readResponsesTextFormat(text: JsonObject | undefined): OutputFormat {
  const format = text?.['format'];
  if (format === undefined || format === null) return TEXT;
  if (!isJsonObject(format)) throw missingParameter('text.format.type');
  return readFormat(format, 'text.format', false);
}

/**
 * JSON mode only works when the conversation asks for JSON: OpenAI refuses
 * it unless the word "json" appears in the messages (any case).
 */
export function requireJsonMention(format: OutputFormat, texts: readonly string[], param: string, message: string): void {
  if (format.type !== 'json_object') return;
  if (texts.some((text) => /json/i.test(text))) return;
  throw new SimulatorHttpError(400, message, 'invalid_request_error', param, null);
}

/**
 * The text a model writes in `format`: undefined for plain text (the caller
 * writes prose), a JSON object around the reply in JSON mode, or a value
 * valid against the schema for structured outputs (the same for the same seed).
 */
export function formattedOutput(format: OutputFormat, seed: string, reply: string): string | undefined {
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return JSON.stringify({ reply });
  return JSON.stringify(sampleSchema(format.schema, seed));
}
