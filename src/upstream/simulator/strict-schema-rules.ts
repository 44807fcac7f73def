/**
 * The rules OpenAI enforces on schemas used with `strict: true` (structured
 * outputs and strict function calling), checked before anything is
 * generated: the root is an object, and every object lists all of its
 * properties in `required` and sets `additionalProperties: false`. A schema
 * that breaks one is refused with a 400 naming where, as the API does.
 */
import { SimulatorHttpError } from './openai-error.ts';

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first rule `schema` breaks, as OpenAI words it, or undefined. */
function firstViolation(schema: Schema, path: readonly string[], depth: number): string | undefined {
  if (depth > 64) return undefined;
  const context = `In context=(${path.map((p) => `'${p}'`).join(', ')}${path.length === 1 ? ',' : ''})`;
  const isObject = schema['type'] === 'object' || (Array.isArray(schema['type']) && schema['type'].includes('object'));
  if (isObject || isSchema(schema['properties'])) {
    if (schema['additionalProperties'] !== false) {
      return `${context}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = isSchema(schema['properties']) ? Object.keys(schema['properties']) : [];
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    const missing = properties.filter((key) => !required.includes(key));
    if (missing.length > 0) {
      return `${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
    }
  }
  const children: Array<[string[], unknown]> = [];
  if (isSchema(schema['properties'])) {
    for (const [key, value] of Object.entries(schema['properties'])) children.push([[...path, 'properties', key], value]);
  }
  if (isSchema(schema['items'])) children.push([[...path, 'items'], schema['items']]);
  for (const keyword of ['anyOf', 'allOf', 'oneOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((value, i) => children.push([[...path, keyword, String(i)], value]));
  }
  for (const keyword of ['$defs', 'definitions']) {
    const defs = schema[keyword];
    if (isSchema(defs)) for (const [key, value] of Object.entries(defs)) children.push([[...path, keyword, key], value]);
  }
  for (const [childPath, child] of children) {
    if (!isSchema(child)) continue;
    const violation = firstViolation(child, childPath, depth + 1);
    if (violation !== undefined) return violation;
  }
  return undefined;
}

/**
 * Refuses a strict schema that structured outputs cannot use. `subject`
 * names it in the message ("response_format 'weather'", "function 'get_weather'").
 */
export function checkStrictSchema(schema: unknown, subject: string, param: string, code: string | null): void {
  const fail = (detail: string): never => {
    throw new SimulatorHttpError(400, `Invalid schema for ${subject}: ${detail}`, 'invalid_request_error', param, code);
  };
  if (!isSchema(schema)) fail("schema must be a JSON Schema of 'type: \"object\"', got 'type: \"None\"'.");
  const root = schema as Schema;
  if (root['type'] !== 'object') {
    const got = typeof root['type'] === 'string' ? root['type'] : 'None';
    fail(`schema must be a JSON Schema of 'type: "object"', got 'type: "${got}"'.`);
  }
  const violation = firstViolation(root, [], 0);
  if (violation !== undefined) fail(violation);
}
