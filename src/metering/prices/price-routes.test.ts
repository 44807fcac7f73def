import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { storeKinds, type StoreKind } from '../../../test/support/stores.ts';
import { toTollgateError } from '../../errors/index.ts';
import { registerRoutes } from '../../http/routes/index.ts';
import { Directory } from '../../access/index.ts';
import { actAs } from '../../../test/support/budget-fixture.ts';
import { loadPriceCatalog } from './price-catalog.ts';
import { priceRoutes } from './price-routes.ts';

const NOW = Date.parse('2025-09-01T12:00:00Z');

async function withApp(kind: StoreKind, fn: (app: FastifyInstance) => Promise<void>) {
  const t = await kind.create();
  const catalog = await loadPriceCatalog(t.store);
  const directory = new Directory(t.store);
  const home = await directory.createOrg('Home', null);
  const app = Fastify();
  actAs(app, { userId: 'usr_owner', orgId: home.id, memberships: [], orgRole: 'owner' });
  app.setErrorHandler(async (err, _req, reply) => {
    const e = toTollgateError(err);
    return reply.code(e.status).send(e.toBody());
  });
  registerRoutes(app, priceRoutes({ catalog, directory, now: () => NOW }), { checkResponses: true });
  try {
    await fn(app);
  } finally {
    await app.close();
    catalog.close();
    await t.dispose();
  }
}

const put = (app: FastifyInstance, model: string, body: unknown) =>
  app.inject({ method: 'PUT', url: `/api/prices/${model}`, payload: body as Record<string, unknown> });

for (const kind of storeKinds()) {
  describe(`prices API on ${kind.name}`, () => {
    test('GET /prices lists the effective catalog as decimal strings', async () => {
      await withApp(kind, async (app) => {
        const res = await app.inject({ url: '/api/prices' });
        assert.equal(res.statusCode, 200);
        const body = res.json();
        assert.equal(body.object, 'list');
        assert.equal(body.unit, 'per 1M tokens');
        const gpt4o = body.data.find((p: { model: string }) => p.model === 'gpt-4o');
        assert.deepEqual(
          { input: gpt4o.input, cached_input: gpt4o.cached_input, output: gpt4o.output, batch: gpt4o.batch, source: gpt4o.source, effective_from: gpt4o.effective_from },
          { input: '2.50', cached_input: '1.25', output: '10.00', batch: { input: '1.25', cached_input: null, output: '5.00' }, source: 'catalog', effective_from: '2024-10-02T00:00:00.000Z' },
        );
        const turbo = body.data.find((p: { model: string }) => p.model === 'gpt-4-turbo');
        assert.ok(turbo.aliases.includes('gpt-4-0125-preview'));
        assert.ok(body.data.some((p: { model: string }) => p.model === 'ft:gpt-4o-mini'));
      });
    });

    test('GET /prices filters by model prefix and time', async () => {
      await withApp(kind, async (app) => {
        const res = await app.inject({ url: '/api/prices?model=gpt-4o&at=2024-09-01' });
        const models = res.json().data.map((p: { model: string }) => p.model);
        assert.ok(models.every((m: string) => m.startsWith('gpt-4o')));
        assert.ok(!models.includes('gpt-4o-mini-audio-preview'), 'not yet priced in 2024-09');
        assert.equal(res.json().data.find((p: { model: string }) => p.model === 'gpt-4o').input, '5.00');
        const bad = await app.inject({ url: '/api/prices?at=yesterday' });
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().error.param, 'at');
      });
    });

    test('GET /prices/:model resolves snapshots, aliases and fine-tuned ids', async () => {
      await withApp(kind, async (app) => {
        const snap = (await app.inject({ url: '/api/prices/gpt-4o-2024-08-06' })).json();
        assert.equal(snap.model, 'gpt-4o-2024-08-06');
        assert.equal(snap.priced_as, 'gpt-4o');
        assert.equal(snap.output, '10.00');
        assert.deepEqual(snap.priority, { input: '4.25', cached_input: '2.125', output: '17.00' });
        assert.deepEqual(snap.overrides, []);
        const ft = (await app.inject({ url: '/api/prices/ft:gpt-4o-mini:acme::abc123' })).json();
        assert.equal(ft.priced_as, 'ft:gpt-4o-mini');
        assert.equal(ft.input, '0.30');
        const old = (await app.inject({ url: '/api/prices/gpt-4o?at=2024-06-01T00:00:00Z' })).json();
        assert.equal(old.input, '5.00');
      });
    });

    test('GET /prices/:model for an unpriced model is a 404 in OpenAI shape', async () => {
      await withApp(kind, async (app) => {
        const res = await app.inject({ url: '/api/prices/llama-3-70b' });
        assert.equal(res.statusCode, 404);
        assert.deepEqual(res.json(), {
          error: {
            message: "No price for model 'llama-3-70b' at 2025-09-01T12:00:00.000Z.",
            type: 'invalid_request_error',
            param: 'model',
            code: 'price_not_found',
          },
        });
      });
    });

    test('PUT /prices/:model creates an override that then applies; DELETE removes it', async () => {
      await withApp(kind, async (app) => {
        const res = await put(app, 'gpt-4o', {
          input: '2.00',
          cached_input: '1.00',
          output: '8.00',
          batch: { input: '1.00', output: '4.00' },
          effective_from: '2025-08-01',
          note: 'negotiated rate',
        });
        assert.equal(res.statusCode, 200, res.body);
        const saved = res.json();
        assert.equal(saved.object, 'price_override');
        assert.match(saved.id, /^price_/);
        assert.equal(saved.input, '2.00');
        assert.equal(saved.effective_from, '2025-08-01T00:00:00.000Z');
        assert.equal(saved.max_output_tokens, 16_384);
        assert.equal(saved.created_by, 'usr_owner');

        const got = (await app.inject({ url: '/api/prices/gpt-4o-2024-08-06' })).json();
        assert.equal(got.source, 'override');
        assert.equal(got.input, '2.00');
        assert.equal(got.note, 'negotiated rate');
        const own = (await app.inject({ url: '/api/prices/gpt-4o' })).json();
        assert.equal(own.overrides.length, 1);
        const before = (await app.inject({ url: '/api/prices/gpt-4o?at=2025-07-31' })).json();
        assert.equal(before.source, 'catalog');
        const listed = (await app.inject({ url: '/api/prices?model=gpt-4o-2024' })).json().data;
        assert.deepEqual(
          listed.map((p: { model: string; priced_as: string; source: string }) => [p.model, p.priced_as, p.source]),
          [['gpt-4o-2024-05-13', 'gpt-4o', 'override']],
          'a family override applies to the exact snapshot entry too',
        );

        const del = await app.inject({ method: 'DELETE', url: '/api/prices/gpt-4o' });
        assert.equal(del.statusCode, 200);
        assert.deepEqual(del.json(), { object: 'price_override.deleted', model: 'gpt-4o', deleted: 1 });
        assert.equal((await app.inject({ url: '/api/prices/gpt-4o' })).json().source, 'catalog');
        const again = await app.inject({ method: 'DELETE', url: '/api/prices/gpt-4o' });
        assert.equal(again.statusCode, 404);
        assert.equal(again.json().error.code, 'price_override_not_found');
      });
    });

    test('PUT without effective_from applies from now; fine-tuned and self-hosted ids', async () => {
      await withApp(kind, async (app) => {
        const ft = await put(app, 'ft:gpt-4.1-mini:acme::abc', { input: '0.70', output: '2.80' });
        assert.equal(ft.statusCode, 200, ft.body);
        assert.equal(ft.json().effective_from, '2025-09-01T12:00:00.000Z');
        assert.equal((await app.inject({ url: '/api/prices/ft:gpt-4.1-mini:acme::abc' })).json().input, '0.70');
        assert.equal((await app.inject({ url: '/api/prices/ft:gpt-4.1-mini:acme::other' })).json().input, '0.80');

        const missing = await put(app, 'meta-llama%2FLlama-3.1-8B', { input: '0.10', output: '0.10' });
        assert.equal(missing.statusCode, 400);
        assert.equal(missing.json().error.code, 'missing_required_parameter');
        assert.equal(missing.json().error.param, 'max_output_tokens');
        const self = await put(app, 'meta-llama%2FLlama-3.1-8B', { input: '0.10', output: '0.10', max_output_tokens: 4096, context_window: 131072 });
        assert.equal(self.statusCode, 200, self.body);
        assert.equal(self.json().model, 'meta-llama/Llama-3.1-8B');
        const got = (await app.inject({ url: '/api/prices/meta-llama%2FLlama-3.1-8B' })).json();
        assert.equal(got.input, '0.10');
        assert.equal(got.context_window, 131072);
      });
    });

    test('bad prices are refused with 400 naming the field', async () => {
      await withApp(kind, async (app) => {
        const cases: [unknown, string, string][] = [
          [{ input: '-1', output: '1.00' }, 'input', 'invalid_price'],
          [{ input: 'NaN', output: '1.00' }, 'input', 'invalid_price'],
          [{ input: '1e3', output: '1.00' }, 'input', 'invalid_price'],
          [{ input: 2.5, output: '1.00' }, 'input', 'invalid_price'],
          [{ input: null, output: '1.00' }, 'input', 'invalid_price'],
          [{ input: ' 2.50', output: '1.00' }, 'input', 'invalid_price'],
          [{ input: '1.00', output: '0.0000001' }, 'output', 'invalid_price'],
          [{ input: '1.00', output: '10000.01' }, 'output', 'invalid_price'],
          [{ input: '1.00', output: '99999999' }, 'output', 'invalid_price'],
          [{ input: '1.00', output: 'Infinity' }, 'output', 'invalid_price'],
          [{ input: '1.00', output: '2.00', cached_input: '-0.5' }, 'cached_input', 'invalid_price'],
          [{ input: '1.00', output: '2.00', batch: { input: '0.50', output: '-1' } }, 'batch.output', 'invalid_price'],
          [{ input: '1.00', output: '2.00', priority: { input: '2', output: 4 } }, 'priority.output', 'invalid_price'],
          [{ input: '1.00', output: '2.00', audio_output: 'abc' }, 'audio_output', 'invalid_price'],
          // A missing field is the one formatter's invalid_parameter ("Invalid 'output': is required.").
          [{ input: '1.00' }, 'output', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', batch: { input: '0.50' } }, 'batch.output', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', inptu: '1' }, 'inptu', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', batch: { input: '1', output: '1', extra: '1' } }, 'batch.extra', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', max_output_tokens: -1 }, 'max_output_tokens', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', max_output_tokens: 1.5 }, 'max_output_tokens', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', effective_from: 'yesterday' }, 'effective_from', 'invalid_parameter'],
          [{ input: '1.00', output: '2.00', note: 'x'.repeat(501) }, 'note', 'invalid_parameter'],
          [['1.00'], 'body', 'invalid_parameter'],
        ];
        for (const [body, param, code] of cases) {
          const res = await put(app, 'gpt-4o', body);
          assert.equal(res.statusCode, 400, JSON.stringify(body));
          const e = res.json().error;
          assert.equal(e.type, 'invalid_request_error');
          assert.equal(e.param, param, JSON.stringify(body));
          assert.equal(e.code, code, JSON.stringify(body));
          assert.ok(e.message.includes(`'${param}'`), e.message);
        }
        const edge = await put(app, 'gpt-4o', { input: '10000', output: '0.000001', effective_from: '2025-01-01' });
        assert.equal(edge.statusCode, 200, 'the bounds themselves are accepted');
        const badModel = await put(app, 'bad%20model', { input: '1.00', output: '2.00' });
        assert.equal(badModel.statusCode, 400);
        assert.equal(badModel.json().error.param, 'model');
      });
    });

    test('the price error message explains the unit; an unknown field has the one wording', async () => {
      await withApp(kind, async (app) => {
        const res = await put(app, 'gpt-4o', { input: '-1', output: '1.00' });
        assert.equal(
          res.json().error.message,
          "Invalid 'input': must not be negative. Prices are decimal strings of USD per 1M tokens, such as \"2.50\".",
        );
        const unknown = await put(app, 'gpt-4o', { input: '1.00', output: '2.00', inptu: '1' });
        assert.equal(unknown.json().error.message, "Invalid 'inptu': unknown parameter.");
        const query = await app.inject({ url: '/api/prices?modle=gpt-4o' });
        assert.deepEqual([query.statusCode, query.json().error.message], [400, "Invalid 'modle': unknown parameter."]);
        const missing = await put(app, 'gpt-4o', { input: '1.00' });
        assert.equal(missing.json().error.message, "Invalid 'output': is required.");
      });
    });
  });
}
