/**
 * Test data: JSON Schemas in the shape OpenAI's structured outputs accept
 * (strict: every property required, no additional properties), covering
 * types, enum, const, nested objects, arrays with bounds, string formats and
 * patterns, nullable type arrays, anyOf, $defs references and recursion.
 * Used by the simulator's tests and the gateway's end-to-end tests.
 */
export const STRUCTURED_SCHEMAS: Record<string, Record<string, unknown>> = {
  flat: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      age: { type: 'integer', minimum: 18, maximum: 99 },
      score: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      active: { type: 'boolean' },
      tier: { type: 'string', enum: ['free', 'pro', 'enterprise'] },
      kind: { type: 'string', const: 'person' },
    },
    required: ['name', 'age', 'score', 'active', 'tier', 'kind'],
    additionalProperties: false,
  },
  nestedArrays: {
    type: 'object',
    properties: {
      order: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          placed: { type: 'string', format: 'date-time' },
          lines: {
            type: 'array',
            minItems: 2,
            maxItems: 4,
            items: {
              type: 'object',
              properties: { sku: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' }, qty: { type: 'integer', minimum: 1, multipleOf: 2 } },
              required: ['sku', 'qty'],
              additionalProperties: false,
            },
          },
        },
        required: ['id', 'placed', 'lines'],
        additionalProperties: false,
      },
      tags: { type: 'array', items: { type: 'string' }, minItems: 0, maxItems: 0 },
    },
    required: ['order', 'tags'],
    additionalProperties: false,
  },
  nullableAndFormats: {
    type: 'object',
    properties: {
      nickname: { type: ['string', 'null'] },
      email: { type: 'string', format: 'email' },
      host: { type: 'string', format: 'hostname' },
      v4: { type: 'string', format: 'ipv4' },
      v6: { type: 'string', format: 'ipv6' },
      day: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'time' },
      within: { type: 'string', format: 'duration' },
      price: { type: ['number', 'null'], minimum: 10, maximum: 20, multipleOf: 0.25 },
    },
    required: ['nickname', 'email', 'host', 'v4', 'v6', 'day', 'at', 'within', 'price'],
    additionalProperties: false,
  },
  anyOfWithDefs: {
    type: 'object',
    properties: {
      item: {
        anyOf: [
          { $ref: '#/$defs/book' },
          { $ref: '#/$defs/film' },
        ],
      },
    },
    required: ['item'],
    additionalProperties: false,
    $defs: {
      book: { type: 'object', properties: { isbn: { type: 'string', pattern: '^97[89]\\d{10}$' }, pages: { type: 'integer', exclusiveMinimum: 0 } }, required: ['isbn', 'pages'], additionalProperties: false },
      film: { type: 'object', properties: { minutes: { type: 'integer', minimum: 1, maximum: 400 }, rating: { type: 'string', enum: ['G', 'PG', 'R'] } }, required: ['minutes', 'rating'], additionalProperties: false },
    },
  },
  recursive: {
    type: 'object',
    properties: {
      root: { $ref: '#/$defs/node' },
    },
    required: ['root'],
    additionalProperties: false,
    $defs: {
      node: {
        type: 'object',
        properties: {
          label: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/$defs/node' } },
        },
        required: ['label', 'children'],
        additionalProperties: false,
      },
    },
  },
  rootRecursion: {
    type: 'object',
    properties: {
      value: { type: 'integer' },
      next: { anyOf: [{ $ref: '#' }, { type: 'null' }] },
    },
    required: ['value', 'next'],
    additionalProperties: false,
  },
};

