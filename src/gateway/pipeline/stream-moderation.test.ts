import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSimulator, type Simulator } from '../../upstream/simulator/index.ts';
import { UpstreamClient } from '../../upstream/index.ts';
import { eventText, MODERATION_WINDOW_CHARS, StreamModeration } from './stream-moderation.ts';
import { upstreamModerator } from './upstream-moderator.ts';

// Output moderation of a stream, against the simulator's /v1/moderations (it flags a category for
// the marker `tollgate-flag:<category>`): text is held per window and released only once it passed.

let sim: Simulator;
let client: UpstreamClient;
before(async () => {
  sim = createSimulator({ apiKey: 'sk-sim' });
  await sim.listen(0, '127.0.0.1');
  client = new UpstreamClient({ baseUrl: `${sim.url}/v1`, apiKey: 'sk-sim', headersTimeoutMs: 5_000, bodyIdleTimeoutMs: 5_000 });
});
after(async () => {
  await client.destroy();
  await sim.close();
});

const moderations = () => sim.requests.filter((r) => r.path === '/v1/moderations').length;

test('events are held until a window of text is full, released once it passed; a flagged window is never released', async () => {
  const m = new StreamModeration(upstreamModerator(client), { violence: { threshold: 0.5, action: 'block' }, harassment: { threshold: 0.5, action: 'flag' } });
  const calm = 'a calm sentence about the weather. ';
  const before = moderations();
  let held = 0;
  while (!m.due) {
    m.hold(`data: ${held}\n\n`, calm);
    held++;
  }
  assert.ok(held * calm.length >= MODERATION_WINDOW_CHARS);
  assert.equal(moderations(), before, 'nothing checked while the window fills');
  const first = await m.check();
  assert.ok(first.ok);
  assert.equal(first.out.split('\n\n').length - 1, held, 'every held event is released together');
  assert.equal(moderations(), before + 1);

  m.hold('data: rude\n\n', 'you are an idiot');
  const flagged = await m.check();
  assert.ok(flagged.ok, 'a flag category passes');
  assert.deepEqual([...m.flagged], ['output.moderation.harassment']);

  m.hold('data: bad\n\n', 'and then tollgate-flag:violence happens');
  const blocked = await m.check();
  assert.deepEqual(blocked, { ok: false, blockedBy: 'output.moderation.violence' });

  // Nothing but whitespace: no call, the events go at once.
  const calls = moderations();
  m.hold('data: [DONE]\n\n', ' ');
  assert.deepEqual(await m.check(), { ok: true, out: 'data: [DONE]\n\n' });
  assert.equal(moderations(), calls);
});

test('a moderator that does not answer is a failure, not a pass', async () => {
  sim.faults.push({ kind: 'status', status: 500, match: { path: '/v1/moderations' } });
  const m = new StreamModeration(upstreamModerator(client), { violence: { threshold: 0.5, action: 'block' } });
  m.hold('data: x\n\n', 'some text');
  const v = await m.check();
  assert.equal(v.ok, false);
  assert.ok(!v.ok && 'failed' in v);
});

test('eventText reads the model text of chat, completions and Responses events', () => {
  assert.equal(eventText({ choices: [{ delta: { content: 'Hel' } }, { delta: { content: 'lo' } }] }, 'chat'), 'Hello');
  assert.equal(eventText({ choices: [{ text: 'abc' }] }, 'completions'), 'abc');
  assert.equal(eventText({ type: 'response.output_text.delta', delta: 'xyz' }, 'responses'), 'xyz');
  assert.equal(eventText({ type: 'response.output_text.done', text: 'whole' }, 'responses'), '', 'done repeats the text: not counted twice');
  assert.equal(eventText({ choices: [{ delta: { role: 'assistant' } }] }, 'chat'), '');
});
