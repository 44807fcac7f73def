/**
 * Builds a JSON value that validates against a JSON Schema: the output of a
 * strict `json_schema` response format and the arguments of a tool call.
 *
 * Covers what OpenAI's Structured Outputs accept (objects with their
 * properties, arrays with minItems/maxItems, strings with pattern and the
 * supported formats, numbers and integers with bounds and multipleOf, enum,
 * const, anyOf, type arrays such as ["string","null"], $ref into $defs or
 * "#" for recursion), plus oneOf/allOf and minLength/maxLength for the
 * looser schemas of non-strict tools. Deterministic: the same schema and
 * seed give the same value. Recursive schemas end by preferring, past a
 * depth, the branch that does not recurse (null, an empty array).
 */
import randexpModule from 'randexp';
import { hashString, seededRandom } from './reply-generator.ts';

// randexp is CommonJS (module.exports = the class); under NodeNext its default import is typed as the module.
const RandExp = randexpModule as unknown as typeof import('randexp').default;

type Schema = Record<string, unknown>;

/** Past this depth, choices lean towards values that end the recursion. */
const SOFT_DEPTH = 5;
/** Past this depth the sampler gives up on the schema and returns null. */
const HARD_DEPTH = 40;
/** Repetition bound for `*` and `+` in patterns. */
const PATTERN_REPEAT_MAX = 4;

const WORDS = [
  'alpha', 'amber', 'harbor', 'maple', 'orbit', 'quartz', 'river', 'summit', 'timber', 'violet',
  'willow', 'cedar', 'delta', 'ember', 'falcon', 'granite', 'meadow', 'nectar', 'pixel', 'sparrow',
];

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Sampler {
  readonly #random: () => number;
  readonly #root: Schema;

  constructor(root: Schema, seed: string) {
    this.#root = root;
    this.#random = seededRandom(hashString(seed, hashString(JSON.stringify(root))));
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Resolves a local reference ("#", "#/$defs/x", "#/definitions/x", any JSON pointer into the root). */
  resolve(ref: string): Schema {
    if (!ref.startsWith('#')) return {};
    let node: unknown = this.#root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      node = isSchema(node) ? node[key] : undefined;
    }
    return isSchema(node) ? node : {};
  }

  /** Whether choosing `schema` can end without going deeper (no $ref, no required nesting). */
  terminal(schema: unknown): boolean {
    if (!isSchema(schema)) return true;
    if ('$ref' in schema) return false;
    if (schema['type'] === 'null' || 'const' in schema || 'enum' in schema) return true;
    const type = schema['type'];
    if (type === 'array') return (typeof schema['minItems'] === 'number' ? schema['minItems'] : 0) === 0;
    if (type === 'object') return Object.keys(isSchema(schema['properties']) ? schema['properties'] : {}).length === 0;
    return typeof type === 'string';
  }

  choose(branches: readonly unknown[], depth: number): unknown {
    if (depth >= SOFT_DEPTH) {
      const ending = branches.find((b) => this.terminal(b));
      if (ending !== undefined) return ending;
    }
    return this.pick(branches);
  }

  value(input: unknown, depth: number): unknown {
    if (depth > HARD_DEPTH || !isSchema(input)) return null;
    let schema = input;
    if (typeof schema['$ref'] === 'string') schema = { ...this.resolve(schema['$ref']), ...withoutKey(schema, '$ref') };
    if ('const' in schema) return schema['const'];
    if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return this.pick(schema['enum']);
    const branches = Array.isArray(schema['anyOf']) ? schema['anyOf'] : Array.isArray(schema['oneOf']) ? schema['oneOf'] : undefined;
    if (branches !== undefined && branches.length > 0) {
      const rest = withoutKey(withoutKey(schema, 'anyOf'), 'oneOf');
      const branch = this.choose(branches, depth);
      return this.value(isSchema(branch) ? { ...rest, ...branch } : rest, depth + 1);
    }
    if (Array.isArray(schema['allOf'])) {
      const merged = mergeAll(withoutKey(schema, 'allOf'), schema['allOf'].map((s) => (isSchema(s) && typeof s['$ref'] === 'string' ? this.resolve(s['$ref']) : s)));
      return this.value(merged, depth + 1);
    }
    return this.typed(schema, this.typeOf(schema, depth), depth);
  }

  typeOf(schema: Schema, depth: number): string {
    const type = schema['type'];
    if (typeof type === 'string') return type;
    if (Array.isArray(type) && type.length > 0) {
      const types = type.filter((t): t is string => typeof t === 'string');
      if (depth >= SOFT_DEPTH && types.includes('null')) return 'null';
      const concrete = types.filter((t) => t !== 'null');
      // Mostly a real value; null now and then, as a model would.
      if (concrete.length === 0 || (types.includes('null') && this.#random() < 0.2)) return 'null';
      return this.pick(concrete);
    }
    if (isSchema(schema['properties'])) return 'object';
    if ('items' in schema) return 'array';
    return 'string';
  }

  typed(schema: Schema, type: string, depth: number): unknown {
    switch (type) {
      case 'object':
        return this.object(schema, depth);
      case 'array':
        return this.array(schema, depth);
      case 'integer':
        return this.number(schema, true);
      case 'number':
        return this.number(schema, false);
      case 'boolean':
        return this.#random() < 0.5;
      case 'null':
        return null;
      default:
        return this.string(schema);
    }
  }

  object(schema: Schema, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const properties = isSchema(schema['properties']) ? schema['properties'] : {};
    // Every property: strict schemas require them all, and extra optional ones are still valid.
    for (const [key, value] of Object.entries(properties)) out[key] = this.value(value, depth + 1);
    return out;
  }

  array(schema: Schema, depth: number): unknown[] {
    const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
    const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : min + 3;
    const count = depth >= SOFT_DEPTH ? min : this.int(Math.max(min, Math.min(1, max)), Math.max(min, Math.min(max, min + 3)));
    const items = schema['items'];
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(this.value(isSchema(items) ? items : {}, depth + 1));
    return out;
  }

  /** A multiple of `multipleOf` (or of 1 / 0.5) inside every bound, exclusive ones included. */
  number(schema: Schema, integer: boolean): number {
    const num = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
    const multipleOf = num('multipleOf');
    const step = multipleOf !== undefined && multipleOf > 0 && (!integer || Number.isInteger(multipleOf)) ? multipleOf : integer ? 1 : 0.5;
    const min = num('minimum');
    const max = num('maximum');
    const exMin = num('exclusiveMinimum');
    const exMax = num('exclusiveMaximum');
    // Bounds as indexes k of the values k·step.
    let first = -Infinity;
    let last = Infinity;
    if (min !== undefined) first = Math.max(first, Math.ceil(min / step - 1e-9));
    if (exMin !== undefined) first = Math.max(first, Math.floor(exMin / step + 1e-9) + 1);
    if (max !== undefined) last = Math.min(last, Math.floor(max / step + 1e-9));
    if (exMax !== undefined) last = Math.min(last, Math.ceil(exMax / step - 1e-9) - 1);
    if (first === -Infinity && last === Infinity) first = 0;
    if (last === Infinity) last = first + 100;
    if (first === -Infinity) first = last - 100;
    const k = last >= first ? this.int(first, Math.min(last, first + 100)) : first;
    const value = k * step;
    return integer ? Math.round(value) : Number(value.toPrecision(12));
  }

  string(schema: Schema): string {
    let text: string;
    if (typeof schema['pattern'] === 'string') text = this.pattern(schema['pattern']);
    else if (typeof schema['format'] === 'string') text = this.formatted(schema['format']);
    else text = `${this.pick(WORDS)} ${this.pick(WORDS)}`;
    const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
    const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
    if ('pattern' in schema || 'format' in schema) return text;
    while ([...text].length < min) text += ` ${this.pick(WORDS)}`;
    return [...text].slice(0, max).join('');
  }

  pattern(source: string): string {
    let generator: InstanceType<typeof RandExp>;
    try {
      generator = new RandExp(new RegExp(source, 'u'));
    } catch {
      return '';
    }
    generator.max = PATTERN_REPEAT_MAX;
    generator.defaultRange.subtract(0, 31);
    generator.defaultRange.subtract(127, 65535);
    generator.randInt = (min: number, max: number) => this.int(min, max);
    return generator.gen();
  }

  formatted(format: string): string {
    const n = this.int(1, 254);
    const day = String(this.int(1, 28)).padStart(2, '0');
    const month = String(this.int(1, 12)).padStart(2, '0');
    const time = `${String(this.int(0, 23)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}`;
    switch (format) {
      case 'date-time':
        return `2025-${month}-${day}T${time}Z`;
      case 'date':
        return `2025-${month}-${day}`;
      case 'time':
        return `${time}Z`;
      case 'duration':
        return `P${this.int(1, 30)}DT${this.int(1, 23)}H`;
      case 'email':
        return `${this.pick(WORDS)}.${n}@example.com`;
      case 'hostname':
        return `${this.pick(WORDS)}-${n}.example.com`;
      case 'ipv4':
        return `192.0.2.${n}`;
      case 'ipv6':
        return `2001:db8::${n.toString(16)}`;
      case 'uuid': {
        const hex = (count: number): string => Array.from({ length: count }, () => this.int(0, 15).toString(16)).join('');
        return `${hex(8)}-${hex(4)}-4${hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
      }
      default:
        return `${this.pick(WORDS)} ${this.pick(WORDS)}`;
    }
  }
}

function withoutKey(schema: Schema, key: string): Schema {
  if (!(key in schema)) return schema;
  const { [key]: _removed, ...rest } = schema;
  return rest;
}

function mergeAll(base: Schema, parts: readonly unknown[]): Schema {
  const merged: Schema = { ...base };
  for (const part of parts) {
    if (!isSchema(part)) continue;
    const properties = { ...(isSchema(merged['properties']) ? merged['properties'] : {}), ...(isSchema(part['properties']) ? part['properties'] : {}) };
    Object.assign(merged, part, { properties });
  }
  return merged;
}

/**
 * A value valid against `schema`, the same for the same schema and `seed`.
 * Only local references are followed ("#…"); an unusable schema gives null.
 *
 * @example
 * sampleSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 3 } }, required: ['n'] }, 'seed')
 * // → { n: 47 } (some integer ≥ 3, always the same for this seed)
 */
export function sampleSchema(schema: unknown, seed: string): unknown {
  if (!isSchema(schema)) return null;
  return new Sampler(schema, seed).value(schema, 0);
}
