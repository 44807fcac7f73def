/**
 * Issue 9.16–9.19 end to end: Tollgate in front of the simulator, called
 * with the official SDK; for each OpenAI feature the simulator now models
 * (prompt caching, reasoning effort, n > 1, tool calls, structured outputs,
 * dated snapshots, unknown models) the ledger's tokens and cost are compared
 * with a cost worked out by hand from OpenAI's published prices and with
 * token counts from OpenAI's own tokenizer (tiktoken).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { STRUCTURED_SCHEMAS } from '../../src/upstream/simulator/structured-schema-fixtures.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { oracleMessageTokens, oracleTextTokens, oracleToolTokens, type OracleTool } from '../support/tiktoken-oracle.ts';
import { usdToNanos as nanos } from '../support/money.ts';

interface Row {
  model_requested: string | null;
  model_served: string | null;
  status: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cost_usd: string | null;
  cost_breakdown: Record<string, string> | null;
  estimated: boolean;
  error_code: string | null;
}

/** USD decimal string → integer nano-dollars. */
/** Price per 1M tokens in micro-dollars × tokens = pico-dollars; exact integers. */
const picos = (tokens: number, microsPerMillion: number): number => tokens * microsPerMillion;
const roundToNanos = (p: number): number => Math.floor((p + 500) / 1000);

/** OpenAI's standard prices (micro-dollars per 1M tokens: input, cached input, output). */
const PRICES = {
  'gpt-4o-mini': { input: 150_000, cached: 75_000, output: 600_000 },
  'gpt-4o': { input: 2_500_000, cached: 1_250_000, output: 10_000_000 },
  'gpt-4.1': { input: 2_000_000, cached: 500_000, output: 8_000_000 },
  'o4-mini': { input: 1_100_000, cached: 275_000, output: 4_400_000 },
  'gpt-5': { input: 1_250_000, cached: 125_000, output: 10_000_000 },
} as const;

/** The hand-worked bill: uncached input, cached input and output (reasoning included) at their prices. */
function expectedCost(model: keyof typeof PRICES, prompt: number, cached: number, completion: number): number {
  const p = PRICES[model];
  return roundToNanos(picos(prompt - cached, p.input) + picos(cached, p.cached) + picos(completion, p.output));
}

/** A system prompt of about 1,500 tokens. */
const LONG_SYSTEM = 'You are the assistant of a toll road operator. Quote the tariff rules exactly and explain exemptions. '.repeat(75);

describe('metering of the simulator\'s OpenAI features, end to end', () => {
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    gw = await startGateway();
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
  });
  after(() => gw.close());

  const row = async (requestId: string | null): Promise<Row> => {
    await gw.tg.ledger.flush();
    const response = await gw.call(`/api/usage/${requestId}`);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Row;
  };

  test('cached prompt tokens are billed at the cached input price (chat, streamed and not)', async () => {
    const messages = [{ role: 'system' as const, content: LONG_SYSTEM }, { role: 'user' as const, content: 'Do motorcycles pay the full toll?' }];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    assert.equal(first.data.usage!.prompt_tokens, oracleMessageTokens(messages, 'gpt-4o-mini'));
    assert.equal(first.data.usage!.prompt_tokens_details!.cached_tokens, 0);

    const again = [messages[0]!, { role: 'user' as const, content: 'And trucks with four axles?' }];
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: again }).withResponse();
    const { prompt_tokens: prompt, completion_tokens: completion } = second.data.usage!;
    const cached = second.data.usage!.prompt_tokens_details!.cached_tokens!;
    assert.ok(cached >= 1024 && cached % 128 === 0 && cached < prompt, `cached ${cached} of ${prompt}`);
    const r = await row(second.response.headers.get('x-request-id'));
    assert.deepEqual([r.prompt_tokens, r.cached_tokens, r.completion_tokens], [prompt, cached, completion]);
    const expected = expectedCost('gpt-4o-mini', prompt, cached, completion);
    assert.equal(nanos(r.cost_usd!), expected);
    assert.equal(nanos(second.response.headers.get('x-tollgate-cost-usd')!), expected);
    assert.equal(nanos(r.cost_breakdown!['cached_input_usd']!), roundToNanos(picos(cached, PRICES['gpt-4o-mini'].cached)));
    assert.ok(expected < expectedCost('gpt-4o-mini', prompt, 0, completion), 'caching makes it cheaper');

    // Streamed without asking for usage: the gateway asks for it and still bills the cached tokens.
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: again, stream: true }).withResponse();
    for await (const chunk of stream.data) assert.ok(!chunk.usage, 'the usage chunk is stripped');
    const s = await row(stream.response.headers.get('x-request-id'));
    assert.equal(s.estimated, false);
    assert.ok(s.cached_tokens >= cached);
    assert.equal(nanos(s.cost_usd!), expectedCost('gpt-4o-mini', s.prompt_tokens, s.cached_tokens, s.completion_tokens));
  });

  test('cached input tokens on /v1/responses, with prompt_cache_key', async () => {
    const body = { model: 'gpt-4.1', instructions: LONG_SYSTEM, input: 'Summarise the exemptions.', prompt_cache_key: 'tariffs' };
    await client.responses.create(body);
    const { data, response } = await client.responses.create(body).withResponse();
    const cached = data.usage!.input_tokens_details.cached_tokens;
    assert.ok(cached >= 1024 && cached % 128 === 0);
    assert.equal(data.usage!.input_tokens, oracleMessageTokens([{ role: 'system', content: LONG_SYSTEM }, { role: 'user', content: body.input }], 'gpt-4.1'));
    const r = await row(response.headers.get('x-request-id'));
    assert.equal(r.cached_tokens, cached);
    assert.equal(nanos(r.cost_usd!), expectedCost('gpt-4.1', data.usage!.input_tokens, cached, data.usage!.output_tokens));
  });

  test('reasoning tokens are billed as output and grow with reasoning_effort', async () => {
    const messages = [{ role: 'user' as const, content: 'Work out the cheapest route through three toll plazas.' }];
    const costs: number[] = [];
    for (const effort of ['low', 'medium', 'high'] as const) {
      const { data, response } = await client.chat.completions.create({ model: 'o4-mini', messages, reasoning_effort: effort }).withResponse();
      const reasoning = data.usage!.completion_tokens_details!.reasoning_tokens!;
      const visible = oracleTextTokens(data.choices[0]!.message.content!, 'o4-mini');
      assert.equal(data.usage!.completion_tokens, reasoning + visible);
      const r = await row(response.headers.get('x-request-id'));
      assert.equal(r.reasoning_tokens, reasoning);
      const expected = expectedCost('o4-mini', data.usage!.prompt_tokens, 0, reasoning + visible);
      assert.equal(nanos(r.cost_usd!), expected);
      assert.equal(nanos(r.cost_breakdown!['reasoning_usd']!), roundToNanos(picos(reasoning, PRICES['o4-mini'].output)));
      costs.push(expected);
    }
    assert.ok(costs[0]! < costs[1]! && costs[1]! < costs[2]!, `low < medium < high: ${costs.join(' < ')}`);

    const { data, response } = await client.responses.create({ model: 'gpt-5', input: messages, reasoning: { effort: 'high' } }).withResponse();
    const r = await row(response.headers.get('x-request-id'));
    assert.ok(data.usage!.output_tokens_details.reasoning_tokens > 0);
    assert.equal(r.reasoning_tokens, data.usage!.output_tokens_details.reasoning_tokens);
    assert.equal(nanos(r.cost_usd!), expectedCost('gpt-5', data.usage!.input_tokens, 0, data.usage!.output_tokens));

    // A model that does not reason refuses the parameter, as OpenAI does; the refusal costs nothing.
    const refused = await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o', messages, reasoning_effort: 'low' } });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { message: string } }).error.message, 'Unrecognized request argument supplied: reasoning_effort');
    const refusedRow = await row(refused.headers.get('x-request-id'));
    assert.equal(refusedRow.status, 400);
    assert.equal(refusedRow.completion_tokens, 0);
  });

  test('n > 1: every completion is billed', async () => {
    const messages = [{ role: 'user' as const, content: 'Three slogans for a toll road, please.' }];
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 3, logprobs: true, top_logprobs: 2 }).withResponse();
    assert.equal(data.choices.length, 3);
    const completion = data.choices.reduce((sum, c) => sum + oracleTextTokens(c.message.content!, 'gpt-4o-mini'), 0);
    assert.equal(data.usage!.completion_tokens, completion);
    const r = await row(response.headers.get('x-request-id'));
    assert.equal(r.completion_tokens, completion);
    assert.equal(nanos(r.cost_usd!), expectedCost('gpt-4o-mini', oracleMessageTokens(messages, 'gpt-4o-mini'), 0, completion));

    const streamed = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 3, stream: true }).withResponse();
    const texts = ['', '', ''];
    for await (const chunk of streamed.data) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
    const s = await row(streamed.response.headers.get('x-request-id'));
    assert.equal(s.completion_tokens, texts.reduce((sum, t) => sum + oracleTextTokens(t, 'gpt-4o-mini'), 0));
    assert.equal(s.cost_usd, r.cost_usd);
  });

  test('tool calls: tool definitions are prompt tokens, the calls are output tokens', async () => {
    const tools: OracleTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_current_weather',
          description: 'Get the current weather in a given location',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
              unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location'],
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'toll_price',
          description: 'Price of a toll road segment.',
          parameters: { type: 'object', properties: { segment: { type: 'string', description: 'Segment id' }, axles: { type: 'integer', description: 'Axles' } }, required: ['segment', 'axles'] },
        },
      },
    ];
    const messages = [{ role: 'user' as const, content: 'What is the weather on the A7 and the toll price for my van?' }];
    const request = { model: 'gpt-4.1', messages, tools: tools as OpenAI.ChatCompletionTool[] };
    const { data, response } = await client.chat.completions.create(request).withResponse();
    const calls = data.choices[0]!.message.tool_calls!.flatMap((c) => (c.type === 'function' ? [c.function] : []));
    assert.deepEqual(calls.map((c) => c.name), ['get_current_weather', 'toll_price'], 'parallel calls');
    const prompt = oracleToolTokens(tools, messages, 'gpt-4.1');
    const completion = calls.reduce((sum, c) => sum + oracleTextTokens(c.name, 'gpt-4.1') + oracleTextTokens(c.arguments, 'gpt-4.1'), 0);
    assert.deepEqual([data.usage!.prompt_tokens, data.usage!.completion_tokens], [prompt, completion]);
    const r = await row(response.headers.get('x-request-id'));
    assert.equal(nanos(r.cost_usd!), expectedCost('gpt-4.1', prompt, 0, completion));

    // Streamed through the gateway: the SDK's helper rebuilds the same calls, and the bill is the same.
    const final = await client.chat.completions.stream(request).finalChatCompletion();
    assert.deepEqual(final.choices[0]!.message.tool_calls!.map((c) => (c.type === 'function' ? c.function.arguments : '')), calls.map((c) => c.arguments));
    const streamed = await client.chat.completions.create({ ...request, stream: true }).withResponse();
    const args: string[] = [];
    for await (const chunk of streamed.data) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) args[call.index] = (args[call.index] ?? '') + (call.function?.arguments ?? '');
    }
    assert.deepEqual(args, calls.map((c) => c.arguments));
    assert.equal((await row(streamed.response.headers.get('x-request-id'))).cost_usd, r.cost_usd);

    // parallel_tool_calls: false makes one call, billed alone.
    const single = await client.chat.completions.create({ ...request, parallel_tool_calls: false }).withResponse();
    assert.equal(single.data.choices[0]!.message.tool_calls!.length, 1);
    const one = single.data.choices[0]!.message.tool_calls![0]!;
    assert.equal(one.type, 'function');
    const fn = one.type === 'function' ? one.function : { name: '', arguments: '' };
    assert.equal(nanos((await row(single.response.headers.get('x-request-id'))).cost_usd!),
      expectedCost('gpt-4.1', prompt, 0, oracleTextTokens(fn.name, 'gpt-4.1') + oracleTextTokens(fn.arguments, 'gpt-4.1')));
  });

  test('structured outputs: the JSON is valid for the schema and billed by its tokens', async () => {
    const schema = STRUCTURED_SCHEMAS['nestedArrays']!;
    const messages = [{ role: 'user' as const, content: 'Make up an order.' }];
    const { data, response } = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'order', schema, strict: true } },
    }).withResponse();
    const content = data.choices[0]!.message.content!;
    const order = JSON.parse(content) as { order: { lines: unknown[] } };
    assert.ok(order.order.lines.length >= 2 && order.order.lines.length <= 4);
    const r = await row(response.headers.get('x-request-id'));
    assert.equal(nanos(r.cost_usd!), expectedCost('gpt-4o', oracleMessageTokens(messages, 'gpt-4o'), 0, oracleTextTokens(content, 'gpt-4o')));
  });

  test('dated snapshots: the response and the ledger name the snapshot, priced as OpenAI prices it', async () => {
    for (const [alias, snapshot] of [['gpt-4o', 'gpt-4o-2024-08-06'], ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'], ['o4-mini', 'o4-mini-2025-04-16']] as const) {
      const messages = [{ role: 'user' as const, content: 'Hello' }];
      const { data, response } = await client.chat.completions.create({ model: alias, messages }).withResponse();
      assert.equal(data.model, snapshot);
      const r = await row(response.headers.get('x-request-id'));
      assert.equal(r.model_requested, alias);
      assert.equal(r.model_served, snapshot);
      assert.equal(nanos(r.cost_usd!), expectedCost(alias, data.usage!.prompt_tokens, 0, data.usage!.completion_tokens));
    }
  });

  test('regression: a stream the upstream refuses before it starts (404 unknown model, 429) is not billed an estimate', async () => {
    const messages = [{ role: 'user', content: 'A fairly long question about toll roads, tariffs and exemptions.' }];
    gw.sim.faults.push({ kind: 'status', status: 429, match: { path: '/v1/chat/completions' } });
    const limited = await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o', messages, stream: true } });
    assert.equal(limited.status, 429);
    const limitedRow = await row(limited.headers.get('x-request-id'));
    assert.deepEqual([limitedRow.prompt_tokens, limitedRow.completion_tokens, limitedRow.estimated], [0, 0, false]);
    assert.ok(limitedRow.cost_usd === null || nanos(limitedRow.cost_usd) === 0);
  });

  test('an unknown model is OpenAI\'s 404 model_not_found through the gateway, recorded without cost', async () => {
    for (const model of ['gpt-4o-mini-typo', 'GPT-4O-MINI']) {
      for (const stream of [false, true]) {
        const response = await gw.call('/v1/chat/completions', { body: { model, messages: [{ role: 'user', content: 'hi' }], stream } });
        assert.equal(response.status, 404);
        assert.deepEqual(await response.json(), {
          error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' },
        });
        const r = await row(response.headers.get('x-request-id'));
        assert.equal(r.status, 404);
        assert.equal(r.error_code, 'model_not_found');
        assert.equal(r.prompt_tokens + r.completion_tokens, 0);
        assert.ok(r.cost_usd === null || nanos(r.cost_usd) === 0);
      }
    }
    await assert.rejects(client.embeddings.create({ model: 'text-embedding-4', input: 'x' }), OpenAI.NotFoundError);
  });
});
