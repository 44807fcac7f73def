import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import type { TemplateVariable } from './template-input.ts';
import { checkTemplateVariables, placeholdersOf, renderTemplate } from './template-render.ts';

const vars: TemplateVariable[] = [
  { name: 'audience', type: 'text', required: true },
  { name: 'tone', type: 'select', options: ['formal', 'casual'], default: 'formal', required: false },
  { name: 'words', type: 'number', required: false },
];
const content = 'Write for {{audience}} in a {{ tone }} tone, about {{words}} words. {{audience}} again.';

function rejects(fn: () => unknown, param: string, mentions: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TollgateError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_parameter');
    assert.equal(err.param, param);
    assert.ok(err.message.includes(mentions), err.message);
    return true;
  });
}

describe('template rendering', () => {
  test('fills every placeholder, with defaults, whitespace inside braces allowed', () => {
    assert.equal(renderTemplate(content, vars, { audience: 'engineers', words: 200 }), 'Write for engineers in a formal tone, about 200 words. engineers again.');
    assert.equal(renderTemplate(content, vars, { audience: 'kids', tone: 'casual', words: ' 12 ' }), 'Write for kids in a casual tone, about 12 words. kids again.');
    assert.equal(renderTemplate(content, vars, { audience: 'x' }), 'Write for x in a formal tone, about  words. x again.', 'an optional value left out is empty');
  });

  test('values are not expanded again', () => {
    assert.equal(renderTemplate(content, vars, { audience: '{{tone}}', words: 1 }), 'Write for {{tone}} in a formal tone, about 1 words. {{tone}} again.');
  });

  test('an unknown variable, a missing required one, a select value not offered, a number that is not one: 400 naming it', () => {
    rejects(() => renderTemplate(content, vars, { audience: 'a', colour: 'red' }), 'variables.colour', "no variable 'colour'");
    rejects(() => renderTemplate(content, vars, {}), 'variables.audience', 'required');
    rejects(() => renderTemplate(content, vars, { audience: '' }), 'variables.audience', 'required');
    rejects(() => renderTemplate(content, vars, { audience: 'a', tone: 'angry' }), 'variables.tone', "'formal', 'casual'");
    rejects(() => renderTemplate(content, vars, { audience: 'a', words: 'many' }), 'variables.words', 'number');
    rejects(() => renderTemplate(content, vars, { audience: 'a', words: '1e3' }), 'variables.words', 'number');
  });

  test('declared variables must match the placeholders', () => {
    assert.deepEqual(placeholdersOf(content), ['audience', 'tone', 'words']);
    assert.doesNotThrow(() => checkTemplateVariables(content, vars));
    rejects(() => checkTemplateVariables('Hi {{name}}', []), 'content', '{{name}}');
    rejects(() => checkTemplateVariables('Hi {{audience}}', vars), 'variables[1].name', "'tone'");
    assert.doesNotThrow(() => checkTemplateVariables('Literal {{ not a var! }} and {{}}', []), 'braces that are not a placeholder are text');
  });
});
