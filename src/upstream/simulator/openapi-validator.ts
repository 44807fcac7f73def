/**
 * Validates JSON values against component schemas of the official OpenAI
 * OpenAPI description, for conformance tests of the simulator and gateway.
 *
 * The spec lives outside the repository; where it is looked for, and what a
 * check does without it, is decided in openapi-spec.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { openApiSpecForChecks, openApiSpecPath } from './openapi-spec.ts';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const SPEC_ID = 'https://tollgate.invalid/openai-openapi.json';

// OpenAPI formats that carry no extra constraint for validation purposes.
const PERMISSIVE_FORMATS = ['unixtime', 'float', 'double', 'int32', 'int64', 'binary', 'byte'] as const;

/** Outcome of validating one value. */
export interface OpenApiValidationResult {
  valid: boolean;
  /** Human-readable ajv errors (empty when valid). */
  errors: string[];
}

/** Validator bound to one loaded copy of the OpenAPI description. */
export interface OpenApiValidator {
  /** Absolute path of the spec file that was loaded. */
  readonly specPath: string;
  /** Validates `data` against `#/components/schemas/<schemaName>`. */
  validate(schemaName: string, data: unknown): OpenApiValidationResult;
  /** Like {@link validate} but throws an Error listing the violations. */
  assertValid(schemaName: string, data: unknown): void;
}

/**
 * The spec mixes OpenAPI 3.0 `nullable: true` into a 3.1 document; JSON Schema
 * has no such keyword, so rewrite it to an explicit `anyOf [..., null]`.
 */
function normalizeNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  let nullable = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') {
      nullable = value === true;
      continue;
    }
    // Examples and vendor extensions are documentation; skipping them keeps
    // the compiled schema smaller and avoids spurious keyword conflicts.
    if (key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    out[key] = normalizeNullable(value);
  }
  if (!nullable) return out;
  return { anyOf: [out, { type: 'null' }] };
}

function createValidator(specPath: string): OpenApiValidator {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { components?: { schemas?: unknown } };
  const schemas = normalizeNullable(spec.components?.schemas ?? {});
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, discriminator: false });
  addFormats(ajv);
  for (const format of PERMISSIVE_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });

  const compiled = new Map<string, ValidateFunction>();
  const compile = (schemaName: string): ValidateFunction => {
    let fn = compiled.get(schemaName);
    if (fn === undefined) {
      fn = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
      if (fn === undefined) throw new Error(`OpenAPI schema not found: ${schemaName}`);
      compiled.set(schemaName, fn);
    }
    return fn;
  };

  const validate = (schemaName: string, data: unknown): OpenApiValidationResult => {
    const fn = compile(schemaName);
    if (fn(data)) return { valid: true, errors: [] };
    const errors = (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);
    return { valid: false, errors };
  };

  return {
    specPath,
    validate,
    assertValid(schemaName, data) {
      const result = validate(schemaName, data);
      if (!result.valid) {
        // anyOf/oneOf failures list every branch; the first lines are enough to act on.
        const shown = result.errors.slice(0, 20).join('\n  ');
        throw new Error(`value does not match ${schemaName}:\n  ${shown}\nvalue: ${JSON.stringify(data).slice(0, 2000)}`);
      }
    },
  };
}

let cached: { path: string; validator: OpenApiValidator | undefined } | undefined;

/**
 * Loads (once per spec path) a validator for the OpenAI OpenAPI description,
 * or returns `undefined` when the spec file is absent so tests can skip.
 */
export function loadOpenApiValidator(specPath: string = openApiSpecPath()): OpenApiValidator | undefined {
  if (cached !== undefined && cached.path === specPath) return cached.validator;
  const validator = existsSync(specPath) ? createValidator(specPath) : undefined;
  cached = { path: specPath, validator };
  return validator;
}

/**
 * The validator for a conformance check: `{ validator }`, or locally `{ skip }` saying how to get the
 * description; throws under CI=true when it is missing (see openapi-spec.ts).
 */
export function openApiValidatorForChecks(): { validator: OpenApiValidator; skip?: undefined } | { validator?: undefined; skip: string } {
  const spec = openApiSpecForChecks();
  if (spec.path === undefined) return { skip: spec.help };
  return { validator: loadOpenApiValidator(spec.path)! };
}
