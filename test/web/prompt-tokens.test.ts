import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countChatPromptTokens, countTextTokens, encodingNameForModel as gatewayEncoding } from '../../src/metering/tokenizer.ts';
import { encodingNameForModel, loadEncoder, paragraphs, PromptCounter } from '../../web/src/features/chat/token-count/prompt-tokens.ts';

// The composer's estimate must count the prompt as the gateway counts it (src/metering/tokenizer.ts),
// while counting a draft paragraph by paragraph so a keystroke recounts one paragraph. These compare
// the app's counter with the gateway's on ordinary and pathological text.
const MODELS = ['gpt-4o', 'gpt-4o-mini-2024-07-18', 'gpt-4.1', 'o3-mini', 'gpt-5', 'gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'ft:gpt-4o-mini:acme::abc', 'openai/gpt-4', 'llama-3-70b'];

const TEXTS: [string, string][] = [
  ['empty', ''],
  ['a sentence', 'How much does it cost to summarise a 40-page contract?'],
  ['paragraphs', 'First paragraph with words.\n\nSecond one, after a blank line.\n\n\n  Third, indented.\nA line right after.'],
  ['windows line ends', 'one\r\n\r\ntwo\r\nthree\r\n\r\n'],
  ['code', 'Fix this:\n\n```ts\nconst x: number = 42;\nfunction f(a, b) { return a + b; }\n```\n\nThanks!'],
  ['markdown list', '- item one\n- item two\n\n1. first\n2. second\n\n> quoted\n\n# Heading'],
  ['special-token text', 'Please explain <|endoftext|> and <|im_start|> literally.'],
  ['emoji and accents', 'Grüße aus Köln 👋🏽 — naïve café, 東京で会いましょう。\n\nΑθήνα, Москва.'],
  ['digits', '3.14159265358979 and 1234567890123456789 and 2026-11-30'],
  ['a long run of one letter', 'a'.repeat(3000)],
  ['a long run across paragraphs', `${'b'.repeat(1500)}\n\n${'c'.repeat(1500)}`],
  ['long CJK without punctuation', '漢'.repeat(1200)],
  ['long whitespace with newlines', `start${' '.repeat(800)}\n\n\n${' '.repeat(700)}end`],
  ['long punctuation', `${'!?'.repeat(600)}\n\nafter`],
  ['surrogate pairs in a long run', '😀'.repeat(400)],
  ['trailing newlines', 'text\n\n\n'],
  ['leading newlines', '\n\n\nText after newlines'],
];

describe('the composer counts tokens as the gateway does', () => {
  test('the same encoding for every model', () => {
    for (const m of MODELS) assert.equal(encodingNameForModel(m), gatewayEncoding(m), m);
  });

  for (const model of ['gpt-4o', 'gpt-4', 'gpt-3.5-turbo']) {
    test(`text and whole prompts, ${model}`, async () => {
      const counter = new PromptCounter(await loadEncoder(encodingNameForModel(model)));
      for (const [name, text] of TEXTS) {
        assert.equal(counter.countText(text), countTextTokens(text, model), `${name}: text`);
        // Twice: the second count comes from remembered paragraphs.
        assert.equal(counter.countText(text), countTextTokens(text, model), `${name}: text, cached`);
        const history = [{ role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi! How can I help?' }];
        const messages = [...history, { role: 'user', content: text }];
        assert.equal(counter.countPrompt(messages), countChatPromptTokens(messages, model), `${name}: prompt`);
      }
    });
  }

  test('editing one paragraph of a long draft recounts it and still matches', async () => {
    const counter = new PromptCounter(await loadEncoder('o200k_base'));
    const paras = Array.from({ length: 200 }, (_, i) => `Paragraph ${i}: the gateway counts tokens and costs exactly, with integer nano-dollars.`);
    let draft = paras.join('\n\n');
    for (const edit of [' more', 'x', '\n\nNew paragraph.', '']) {
      draft = draft.replace('Paragraph 100:', `Paragraph 100${edit}:`);
      assert.equal(counter.countText(draft), countTextTokens(draft, 'gpt-4o'));
    }
  });

  test('paragraphs split only after newlines followed by a non-space, and join back to the text', () => {
    for (const [, text] of TEXTS) assert.equal(paragraphs(text).join(''), text);
    assert.deepEqual(paragraphs('a\n\nb\n c\n\n\nd'), ['a\n\n', 'b\n c\n\n\n', 'd']);
  });
});
