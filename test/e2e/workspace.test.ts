import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { countChatPromptTokens } from '../../src/metering/tokenizer.ts';
import { formatUsdText, parseUsd } from '../../web/src/lib/money.ts';
import { assertAccessible } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { assertNoProblems, createUser, signInThroughPage, startE2e, type E2e, type TestUser } from './support/app.ts';

/** The dollars a page shows, e.g. "$0.0021", as nano-dollars. */
function shownNanos(text: string): bigint {
  const m = /\$([\d,]+\.\d+)/.exec(text);
  assert.ok(m, `a dollar amount in "${text}"`);
  return parseUsd(m[1]!.replaceAll(',', ''))!;
}

// The workspace's panels and usage analytics against real requests: the official openai SDK calls
// /v1 with a Tollgate key, and the browser shows what it cost.
describe('web app: workspace panels and usage analytics (Chromium)', () => {
  let e2e: E2e;
  let owner: TestUser;
  let page: Page;
  let problems: { errors: string[] };
  let client: OpenAI;
  before(async () => {
    e2e = await startE2e();
    owner = await createUser(e2e.gw, { orgRole: 'owner', teamRole: 'admin' });
    ({ page, problems } = await e2e.browser.newContext());
    await signInThroughPage(page, e2e, owner);
    client = new OpenAI({ baseURL: `${e2e.url}/v1`, apiKey: await e2e.gw.createKey({ name: 'sdk' }) });
  });
  after(() => e2e.close());

  test("today's spend on the Enterprise panel goes up after a /v1 request", async () => {
    await page.goto(`${e2e.url}/`);
    const spend = page.getByTestId('spend-today');
    await spend.waitFor();
    const before = shownNanos((await spend.textContent())!);
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Write a short poem about toll gates.' }], max_tokens: 200 })
      .withResponse();
    assert.ok(data.usage && data.usage.completion_tokens > 0);
    const id = response.headers.get('x-request-id')!;
    const row = (await (await e2e.gw.call(`/api/usage/${id}`)).json()) as { cost_usd: string };
    const cost = parseUsd(row.cost_usd)!;
    assert.ok(cost > 0n);
    await page.reload();
    await page.getByText(/requests? in your organization/).waitFor();
    const after = shownNanos((await spend.textContent())!);
    assert.ok(after > before, `spend today went from ${before} to ${after}`);
    // Shown rounded to four significant digits: the increase is the request's cost.
    const diff = after - before;
    assert.ok(diff * 1000n >= cost * 999n && diff * 1000n <= cost * 1001n, `the increase ${diff} is the request's cost ${cost}`);
    await page.getByTestId('security-status').getByText('Two-factor:').waitFor();
    await assertAccessible(page, 'workspace');
    await screenshot(page, 'workspace');
    await screenshot(page, 'panel-conversations', '[data-testid="conversations-panel"]');
    await screenshot(page, 'panel-chat', '[data-testid="chat-panel"]');
    await screenshot(page, 'panel-intelligence', '[data-testid="intelligence-panel"]');
    await screenshot(page, 'panel-enterprise', '[data-testid="enterprise-panel"]');
  });

  test('usage analytics shows the request made with the openai SDK and its cost, and exports CSV', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the SDK' }] }).withResponse();
    assert.ok(data.choices[0]?.message.content);
    const id = response.headers.get('x-request-id')!;
    const row = (await (await e2e.gw.call(`/api/usage/${id}`)).json()) as { cost_usd: string };
    await page.goto(`${e2e.url}/admin/usage`);
    const cell = page.locator(`[data-testid="usage-row-cost"][data-request-id="${id}"]`);
    await cell.waitFor();
    assert.equal(await cell.textContent(), formatUsdText(row.cost_usd));
    const totals = (await (await e2e.gw.call('/api/usage?limit=1')).json()) as { totals: { requests: number; cost_usd: string } };
    assert.equal(await page.getByTestId('usage-total-requests').textContent(), String(totals.totals.requests));
    assert.equal(await page.getByTestId('usage-total-cost').textContent(), formatUsdText(totals.totals.cost_usd));
    await page.getByRole('table', { name: 'Cost by model' }).getByRole('cell', { name: 'gpt-4o-mini' }).first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('region', { name: 'Cost by model' }).getByRole('button', { name: 'CSV' }).click()]);
    const csv = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString('utf8');
    assert.match(text, /^model,id,requests,errors,prompt_tokens,completion_tokens,cost_usd,unpriced_requests\r\n/);
    assert.match(text, /gpt-4o-mini,gpt-4o-mini,1,0,\d+,\d+,0\.\d+,0\r\n/);
    await assertAccessible(page, 'usage analytics');
    await screenshot(page, 'admin-usage');
  });

  test('the composer estimates the cost as the gateway counts the prompt, next to the budget left', async () => {
    await e2e.gw.call('/api/budgets', { body: { name: 'my budget', scope: 'user', scope_id: owner.user.id, period: 'daily', limit_usd: '2.00' } });
    await page.goto(`${e2e.url}/`);
    await page.getByLabel('Model', { exact: true }).selectOption('gpt-4o');
    const text = 'How much does it cost to summarise a 40-page contract?\nAnswer in one paragraph.';
    await page.getByTestId('composer').fill(text);
    const tokens = page.getByTestId('estimate-prompt-tokens');
    const expected = countChatPromptTokens([{ role: 'user', content: text }], 'gpt-4o');
    await tokens.filter({ hasText: new RegExp(`^${expected}$`) }).waitFor();
    assert.equal(await tokens.textContent(), String(expected));
    assert.match((await page.getByTestId('estimate-cost').textContent())!, /^≈ \$0\.\d+/);
    assert.match((await page.getByTestId('estimate-budget').textContent())!, /\$2\.00 left today/);
    // The Intelligence panel shows the model card and the context used by the draft.
    assert.equal(await page.getByTestId('model-card-name').textContent(), 'gpt-4o');
    assert.equal(await page.getByTestId('model-price-input').textContent(), '$2.50');
    await page.getByTestId('context-used').getByText(`${expected} of 128,000 tokens`).waitFor();
    await assertAccessible(page, 'workspace with a draft');
    assertNoProblems(problems);
  });

  test('keyboard: Shift+Enter adds a line, Enter does not send an empty message, ? lists the shortcuts', async () => {
    await page.goto(`${e2e.url}/`);
    await page.getByTestId('composer').click();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    assert.equal(await page.getByTestId('composer').inputValue(), 'first line\nsecond line');
    await page.getByTestId('composer').fill('   ');
    await page.keyboard.press('Enter');
    assert.equal(await page.getByTestId('composer').inputValue(), '   ', 'an empty message is not sent');
    assert.ok(await page.getByRole('button', { name: 'Send (Enter)' }).isDisabled());
    await page.getByText('Start a conversation').click();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await assertAccessible(page, 'shortcuts dialog');
    await page.keyboard.press('Escape');
  });

  test('collapses sensibly on a narrow window', async () => {
    const narrow = await e2e.browser.newContext({ width: 420, height: 800 });
    await signInThroughPage(narrow.page, e2e, owner);
    await narrow.page.getByTestId('composer').waitFor();
    assert.ok(!(await narrow.page.getByTestId('conversations-panel').isVisible()), 'conversations are behind a button');
    assert.ok(!(await narrow.page.getByTestId('enterprise-panel').isVisible()), 'insights are behind a button');
    await narrow.page.getByRole('button', { name: 'Insights and spend' }).click();
    await narrow.page.getByTestId('spend-today').waitFor();
    await screenshot(narrow.page, 'workspace-narrow');
    await narrow.page.getByRole('button', { name: 'Insights and spend' }).click();
    await narrow.page.getByRole('button', { name: 'Conversations' }).click();
    await narrow.page.getByTestId('conversations-panel').waitFor();
    await assertAccessible(narrow.page, 'narrow workspace');
    assertNoProblems(narrow.problems);
    await narrow.context.close();
  });
});
