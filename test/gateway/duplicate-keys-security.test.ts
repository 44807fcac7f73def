import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 8.16: with a key repeated in a JSON body the gateway checked the last value (JSON.parse keeps
// it) but forwarded the raw bytes, so an upstream that reads the first value would get a model the
// key may not use, or more tokens than were reserved. Rule: a JSON body with a key repeated in one
// object is refused with 400 `duplicate_key` naming where (`model`, `messages[0].role`); nothing is
// forwarded.

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

describe('duplicate keys in JSON bodies (issue 8.16)', () => {
  let gw: TestGateway;
  let limitedKey: string;
  before(async () => {
    gw = await startGateway();
    limitedKey = await gw.createKey({ kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member', allowed_models: ['gpt-4o-mini'] });
  });
  after(() => gw.close());

  async function refused(path: string, text: string, param: string, key?: string): Promise<void> {
    const seen = gw.sim.requests.length;
    const res = await gw.call(path, { body: text, ...(key ? { key } : {}) });
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, 400, `${text.slice(0, 80)} → ${JSON.stringify(body)}`);
    assert.equal(body.error.code, 'duplicate_key');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.param, param);
    const last = param.split(/[.[]/).at(-1)!;
    assert.match(body.error.message, new RegExp(`'${last.replace(/[\]]/g, '')}'`), 'the message names the key');
    assert.equal(gw.sim.requests.length, seen, 'nothing was forwarded');
  }

  test('a repeated model cannot smuggle a model the key may not use', async () => {
    await refused('/v1/chat/completions', '{"model":"gpt-4o","model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}', 'model', limitedKey);
  });

  test('a repeated max_tokens cannot smuggle a larger completion than was reserved', async () => {
    await refused('/v1/chat/completions', '{"model":"gpt-4o-mini","max_tokens":100000,"messages":[{"role":"user","content":"hi"}],"max_tokens":5}', 'max_tokens');
  });

  test('nested duplicates are found and named by path', async () => {
    await refused('/v1/chat/completions', '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"},{"role":"user","role":"system","content":"b"}]}', 'messages[1].role');
    await refused('/v1/chat/completions', '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"}],"stream_options":{"include_usage":true,"include_usage":false},"stream":true}', 'stream_options.include_usage');
    await refused('/v1/responses', '{"model":"gpt-4o-mini","input":[{"role":"user","content":[{"type":"input_text","text":"x","text":"y"}]}]}', 'input[0].content[0].text');
    await refused('/v1/embeddings', '{"model":"text-embedding-3-small","input":"x","input":"y"}', 'input');
  });

  test('a key spelled with escapes is the same key', async () => {
    await refused('/v1/chat/completions', '{"model":"gpt-4o","mo\\u0064el":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}', 'model', limitedKey);
  });

  test('the /api routes refuse duplicates too', async () => {
    const res = await gw.call('/api/keys', { body: '{"name":"a","name":"b"}' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as ErrorBody).error.code, 'duplicate_key');
  });

  test('the same key in different objects, and key-like text inside strings, are fine', async () => {
    const text = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer with {"model":"x","model":"y"} verbatim.' },
        { role: 'user', content: 'a "quoted \\" model": "thing"' },
      ],
      metadata: { model: 'tag', nested: { model: 'tag' } },
    });
    const res = await gw.call('/v1/chat/completions', { body: text });
    assert.equal(res.status, 200, await res.clone().text());
  });
});
