/**
 * The simulator bills the tokens OpenAI would: its usage checked against
 * OpenAI's own tokenizer (`tiktoken`) and the cookbook's recipe, which share
 * no code with the simulator's counter (issue 10.4/10.6).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSimulator, type Simulator } from '../../src/upstream/simulator/index.ts';
import { LONG_DOCUMENT, SAMPLE_TEXTS } from '../support/multilingual-samples.ts';
import { oracleMessageTokens, oracleTextTokens, oracleToolTokens, type OracleMessage, type OracleTool } from '../support/tiktoken-oracle.ts';

let sim: Simulator;
before(async () => {
  sim = createSimulator();
  await sim.listen(0);
});
after(() => sim.close());

type Json = Record<string, any>;

async function post(path: string, body: Json): Promise<Json> {
  const response = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Json;
}

const CONVERSATION: OracleMessage[] = [
  { role: 'system', content: 'Answer in the language of the question.' },
  ...Object.entries(SAMPLE_TEXTS).map(([name, content]): OracleMessage => ({ role: 'user', name: `speaker_${name}`, content })),
];

test('chat: prompt tokens follow the cookbook, completion tokens are the tokens of the text', async () => {
  for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-nano', 'gpt-4', 'gpt-3.5-turbo']) {
    const body = await post('/v1/chat/completions', { model, messages: CONVERSATION, n: 2 });
    assert.equal(body['usage'].prompt_tokens, oracleMessageTokens(CONVERSATION, model), model);
    const texts = body['choices'].map((c: Json) => c.message.content as string);
    assert.equal(body['usage'].completion_tokens, texts.reduce((sum: number, text: string) => sum + oracleTextTokens(text, model), 0), model);
  }
});

test('chat with tools: the cookbook tool formula', async () => {
  const tools: OracleTool[] = [{
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
  }];
  const messages: OracleMessage[] = [
    { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
    { role: 'user', content: "What's the weather like in San Francisco?" },
  ];
  for (const [model, published] of [['gpt-4o', 101], ['gpt-4o-mini', 101], ['gpt-4', 105], ['gpt-3.5-turbo', 105]] as const) {
    const body = await post('/v1/chat/completions', { model, messages, tools });
    assert.equal(body['usage'].prompt_tokens, published, model);
    assert.equal(body['usage'].prompt_tokens, oracleToolTokens(tools, messages, model), model);
    // The call it makes is billed as the tokens of its name and arguments.
    const call = body['choices'][0].message.tool_calls[0].function;
    assert.equal(body['usage'].completion_tokens, oracleTextTokens(call.name, model) + oracleTextTokens(call.arguments, model));
  }
});

test('long inputs and every language on chat, responses, completions and embeddings', async () => {
  const messages: OracleMessage[] = [{ role: 'system', content: LONG_DOCUMENT }, { role: 'user', content: SAMPLE_TEXTS['hindi']! }];
  const chat = await post('/v1/chat/completions', { model: 'gpt-4o', messages });
  assert.equal(chat['usage'].prompt_tokens, oracleMessageTokens(messages, 'gpt-4o'));
  const response = await post('/v1/responses', { model: 'gpt-4.1', instructions: LONG_DOCUMENT, input: SAMPLE_TEXTS['hindi'] });
  assert.equal(response['usage'].input_tokens, oracleMessageTokens(messages, 'gpt-4.1'));
  assert.equal(response['usage'].output_tokens, oracleTextTokens(response['output'][0].content[0].text, 'gpt-4.1'));
  const inputs = Object.values(SAMPLE_TEXTS);
  const embeddings = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: [...inputs, LONG_DOCUMENT] });
  const expected = [...inputs, LONG_DOCUMENT].reduce((sum, text) => sum + oracleTextTokens(text, 'text-embedding-3-small'), 0);
  assert.equal(embeddings['usage'].prompt_tokens, expected);
  const legacy = await post('/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: LONG_DOCUMENT, max_tokens: 40 });
  assert.equal(legacy['usage'].prompt_tokens, oracleTextTokens(LONG_DOCUMENT, 'gpt-3.5-turbo-instruct'));
  assert.equal(legacy['usage'].completion_tokens, oracleTextTokens(legacy['choices'][0].text, 'gpt-3.5-turbo-instruct'));
});
