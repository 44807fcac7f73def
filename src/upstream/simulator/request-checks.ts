/**
 * Request-body checks that throw OpenAI's 400 errors. Each helper checks one
 * field and returns it typed, so handlers read as a list of expectations.
 */
import {
  SimulatorHttpError,
  emptyArray,
  invalidType,
  invalidValue,
  missingParameter,
  outOfRange,
} from './openai-error.ts';

/** A parsed JSON object body. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Rejects bodies that are valid JSON but not an object. */
export function expectObjectBody(body: unknown): JsonObject {
  if (!isJsonObject(body)) {
    throw new SimulatorHttpError(
      400,
      `Invalid type for body: expected an object, but got ${Array.isArray(body) ? 'an array' : typeof body} instead.`,
      'invalid_request_error',
      null,
      'invalid_type',
    );
  }
  return body;
}

/** A required non-empty string field. */
export function requireString(body: JsonObject, param: string): string {
  const value = body[param];
  if (value === undefined || value === null) throw missingParameter(param);
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  return value;
}

/** An optional string field (null counts as absent, as the API treats it). */
export function optionalString(body: JsonObject, param: string): string | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  return value;
}

/** An optional boolean field. */
export function optionalBoolean(body: JsonObject, param: string): boolean | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidType(param, 'a boolean', value);
  return value;
}

/** An optional integer field within [min, max]. */
export function optionalInteger(body: JsonObject, param: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(param, 'an integer', value);
  if (value < min) throw outOfRange(param, value, min, false);
  if (value > max) throw outOfRange(param, value, max, true);
  return value;
}

/** An optional number field within [min, max]. */
export function optionalNumber(body: JsonObject, param: string, min: number, max: number): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(param, 'a number', value);
  if (value < min) throw outOfRange(param, value, min, false);
  if (value > max) throw outOfRange(param, value, max, true);
  return value;
}

/** An optional string field restricted to `allowed`. */
export function optionalEnum<T extends string>(body: JsonObject, param: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(body, param);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalidValue(param, value, allowed);
  return value as T;
}

/** An optional object field. */
export function optionalObject(body: JsonObject, param: string): JsonObject | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalidType(param, 'an object', value);
  return value;
}

/** A required non-empty array field. */
export function requireNonEmptyArray(body: JsonObject, param: string, expected: string): unknown[] {
  const value = body[param];
  if (value === undefined || value === null) throw missingParameter(param);
  if (!Array.isArray(value)) throw invalidType(param, expected, value);
  if (value.length === 0) throw emptyArray(param);
  return value;
}

/** The service tier echoed in responses: flex and priority are echoed, everything else runs as default. */
export function effectiveServiceTier(requested: string | undefined): 'default' | 'flex' | 'priority' {
  return requested === 'flex' || requested === 'priority' ? requested : 'default';
}

/** Tiers the API accepts in `service_tier`. */
export const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority'] as const;

/** Reads `stop` (string or array of up to 4 strings) into a list. */
export function optionalStopSequences(body: JsonObject): string[] {
  const value = body['stop'];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
    throw invalidType('stop', 'a string or an array of strings', value);
  }
  if (value.length > 4) throw outOfRange('stop', value.length, 4, true);
  return value as string[];
}
