import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { sampleSchema } from './schema-sampler.ts';
import { STRUCTURED_SCHEMAS } from './structured-schema-fixtures.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

test('every sampled value validates against its schema, for many seeds', () => {
  for (const [name, schema] of Object.entries(STRUCTURED_SCHEMAS)) {
    const validate = ajv.compile(schema);
    for (let seed = 0; seed < 40; seed++) {
      const value = sampleSchema(schema, `seed ${seed}`);
      assert.ok(validate(value), `${name} (seed ${seed}): ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`);
    }
  }
});

test('the same schema and seed give the same value; another seed usually another', () => {
  const schema = STRUCTURED_SCHEMAS['nestedArrays'];
  assert.deepEqual(sampleSchema(schema, 'a'), sampleSchema(schema, 'a'));
  const values = new Set(Array.from({ length: 10 }, (_, i) => JSON.stringify(sampleSchema(schema, `s${i}`))));
  assert.ok(values.size > 5);
});

test('anyOf branches and nullable types are both used across seeds', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 40; seed++) {
    const value = sampleSchema(STRUCTURED_SCHEMAS['anyOfWithDefs'], String(seed)) as { item: Record<string, unknown> };
    seen.add('isbn' in value.item ? 'book' : 'film');
    const nullable = sampleSchema(STRUCTURED_SCHEMAS['nullableAndFormats'], String(seed)) as { nickname: unknown };
    seen.add(nullable.nickname === null ? 'null' : 'string');
  }
  assert.deepEqual([...seen].sort(), ['book', 'film', 'null', 'string']);
});

test('schemas without a type, and unusable input, still give something sensible', () => {
  assert.equal(sampleSchema(null, 'x'), null);
  assert.equal(typeof sampleSchema({}, 'x'), 'string');
  assert.deepEqual(Object.keys(sampleSchema({ properties: { a: { type: 'integer' } } }, 'x') as object), ['a']);
  assert.ok(Array.isArray(sampleSchema({ items: { type: 'boolean' } }, 'x')));
  // A reference to nowhere, or a required cycle, ends instead of overflowing the stack.
  assert.doesNotThrow(() => sampleSchema({ $ref: '#/$defs/missing' }, 'x'));
  const cycle = { type: 'object', properties: { self: { $ref: '#' } }, required: ['self'] };
  assert.doesNotThrow(() => sampleSchema(cycle, 'x'));
});
