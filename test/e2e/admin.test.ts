import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { assertAccessible } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { assertNoProblems, createUser, linkIn, signInThroughPage, startE2e, type E2e, type TestUser } from './support/app.ts';

// An owner runs the organization from the browser, with no curl: keys, budgets, invitations,
// teams, prices, single sign-on and the audit log. Every admin page passes axe.
describe('web app: administration (Chromium)', () => {
  let e2e: E2e;
  let owner: TestUser;
  let page: Page;
  let problems: { errors: string[] };
  before(async () => {
    e2e = await startE2e();
    owner = await createUser(e2e.gw, { orgRole: 'owner', teamRole: 'admin' });
    ({ page, problems } = await e2e.browser.newContext());
    await signInThroughPage(page, e2e, owner);
  });
  after(() => e2e.close());

  test('creates a service key with scopes, sees the secret once, and the key works with the OpenAI SDK', async () => {
    await page.goto(`${e2e.url}/admin/keys`);
    await page.getByRole('heading', { name: 'Keys', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a key' });
    await dialog.getByLabel('Name').fill('support bot');
    await dialog.getByLabel('Kind').selectOption('service');
    await dialog.getByLabel('Team', { exact: true }).selectOption({ label: 'Default' });
    await dialog.getByLabel('Allowed models').fill('gpt-4o-mini');
    await assertAccessible(page, 'create key dialog');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('key-secret').textContent())!.trim();
    assert.match(secret, /^tg-/);
    await screenshot(page, 'admin-key-secret');
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /support bot/ });
    await row.waitFor();
    assert.match((await row.textContent())!, /gpt-4o-mini/);
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');

    const client = new OpenAI({ baseURL: `${e2e.url}/v1`, apiKey: secret });
    const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
    assert.ok(chat.choices[0]?.message.content);
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] }), /not allowed to use the model/);

    // Rotate, then revoke: the new secret works, and after revocation nothing does.
    await row.getByRole('button', { name: 'Actions for support bot' }).click();
    await page.getByRole('menuitem', { name: 'Rotate secret' }).click();
    await page.getByLabel('Old secret keeps working for').selectOption({ label: 'No time: stop it now' });
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    const rotated = (await page.getByTestId('key-secret').textContent())!.trim();
    assert.notEqual(rotated, secret);
    await page.getByRole('button', { name: 'Done' }).click();
    await assert.rejects(client.models.list(), /401|Incorrect API key|invalid/i);
    const fresh = new OpenAI({ baseURL: `${e2e.url}/v1`, apiKey: rotated });
    await fresh.models.list();
    await row.getByRole('button', { name: 'Actions for support bot' }).click();
    await page.getByRole('menuitem', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('The key is revoked.').waitFor();
    await assert.rejects(fresh.models.list(), /401|revoked|invalid/i);
    await assertAccessible(page, 'keys');
    await screenshot(page, 'admin-keys');
  });

  test('sets a team budget and sees its use', async () => {
    await page.goto(`${e2e.url}/admin/budgets`);
    await page.getByRole('button', { name: 'New budget' }).click();
    const dialog = page.getByRole('dialog', { name: 'New budget' });
    await dialog.getByLabel('Name').fill('Default monthly');
    await dialog.getByLabel('Limit (US$)').fill('-5');
    await dialog.getByRole('button', { name: 'Save budget' }).click();
    await dialog.getByText(/^Limit: /).first().waitFor();
    await dialog.getByLabel('Limit (US$)').fill('25.00');
    await dialog.getByRole('button', { name: 'Save budget' }).click();
    const row = page.getByRole('row', { name: /Default monthly/ });
    await row.waitFor();
    assert.match((await row.textContent())!, /\$25\.00/);
    await assertAccessible(page, 'budgets');
    await screenshot(page, 'admin-budgets');
    const list = (await (await e2e.gw.call('/api/budgets')).json()) as { data: { name: string; scope: string; scope_id: string; limit_usd: string }[] };
    const b = list.data.find((x) => x.name === 'Default monthly');
    assert.deepEqual(b && [b.scope, b.scope_id, b.limit_usd], ['team', e2e.gw.tg.home.defaultTeam.id, '25.00']);
  });

  test('invites someone: the mail goes out and the invitation is listed until revoked', async () => {
    await page.goto(`${e2e.url}/admin/invitations`);
    await page.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite someone' });
    await dialog.getByLabel('Email').fill('not an address');
    assert.ok(await dialog.getByRole('button', { name: 'Send invitation' }).isDisabled());
    await dialog.getByLabel('Email').fill('newcomer@example.com');
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('The link was mailed to newcomer@example.com').waitFor();
    assert.equal(await page.getByTestId('invitation-url').count(), 0, 'the link goes only to the mailbox, not to the inviter');
    const mail = await e2e.smtp.waitFor('newcomer@example.com');
    const url = linkIn(mail.text, `${e2e.url}/invite?token=`);
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /newcomer@example.com/ });
    await row.waitFor();
    await assertAccessible(page, 'invitations');
    await screenshot(page, 'admin-invitations');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Invitation revoked').waitFor();
    const preview = await e2e.gw.call(`/api/invitations/accept?token=${encodeURIComponent(new URL(url).searchParams.get('token')!)}`, { key: null });
    assert.equal(preview.status, 404, 'the revoked link no longer works');
  });

  test('creates a team, adds a person with a role, and a refused deletion is explained', async () => {
    const someone = await createUser(e2e.gw, { teamRole: null });
    await page.goto(`${e2e.url}/admin/teams`);
    await page.getByRole('button', { name: 'New team' }).click();
    await page.getByRole('dialog', { name: 'New team' }).getByLabel('Name').fill('Research');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByText('Team Research created.').waitFor();
    await page.getByLabel('Add someone from your organization').selectOption({ label: `${someone.user.name} (${someone.email})` });
    await page.getByLabel('Role', { exact: true }).selectOption('admin');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('row', { name: new RegExp(someone.email) }).waitFor();
    await page.getByRole('button', { name: 'Delete team' }).click({ trial: true });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete team' }).click();
    await page.getByText(/still|not empty|members/i).first().waitFor();
    await assertAccessible(page, 'teams');
    await screenshot(page, 'admin-teams');
    await page.goto(`${e2e.url}/admin/members`);
    await page.getByRole('row', { name: new RegExp(someone.email) }).waitFor();
    await assertAccessible(page, 'people');
  });

  test('prices: sees the catalog and sets a negotiated price', async () => {
    await page.goto(`${e2e.url}/admin/prices`);
    await page.getByLabel('Filter models').fill('gpt-4o-mini');
    await page.getByRole('button', { name: 'gpt-4o-mini', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'gpt-4o-mini' });
    await dialog.getByLabel('Input', { exact: true }).fill('0.10');
    await dialog.getByLabel('Output', { exact: true }).fill('0.40');
    await dialog.getByLabel('Note').fill('contract 2026-17');
    await dialog.getByRole('button', { name: 'Save price' }).click();
    await page.getByText('New price for gpt-4o-mini saved.').waitFor();
    await assertAccessible(page, 'prices dialog');
    await page.getByRole('button', { name: 'Close' }).first().click();
    const price = (await (await e2e.gw.call('/api/prices/gpt-4o-mini')).json()) as { input: string; output: string; source: string };
    assert.deepEqual([price.input, price.output, price.source], ['0.10', '0.40', 'override']);
    await assertAccessible(page, 'prices');
    await screenshot(page, 'admin-prices');
  });

  test('single sign-on settings are saved, the secret never shown back', async () => {
    await page.goto(`${e2e.url}/admin/sso`);
    await page.getByLabel('Issuer URL').fill('http://idp.example.com');
    await page.getByLabel('Client ID').fill('tollgate');
    await page.getByLabel('Client secret').fill('s3cret-client-value');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Issuer URL: /).waitFor();
    await page.getByLabel('Issuer URL').fill('https://idp.example.com');
    await page.getByLabel('Allowed email domains').fill('example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Single sign-on settings saved.').waitFor();
    await page.getByText('On', { exact: true }).waitFor();
    assert.ok(!(await page.content()).includes('s3cret-client-value'));
    await page.reload();
    await page.getByText('A secret is stored; leave empty to keep it.').waitFor();
    await assertAccessible(page, 'single sign-on');
    await screenshot(page, 'admin-sso');
  });

  test('the audit log shows these changes and filters them', async () => {
    await page.goto(`${e2e.url}/admin/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    await page.getByLabel('Action').fill('key.*');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('cell', { name: 'key.revoked' }).waitFor();
    const actions = await page.getByTestId('audit-row').locator('td:nth-child(4)').allTextContents();
    assert.ok(actions.length >= 3 && actions.every((a) => a.startsWith('key.')), actions.join(','));
    assert.ok(actions.includes('key.created') && actions.includes('key.rotated'));
    await page.getByRole('button', { name: 'Show details' }).first().click();
    await page.getByText('Before', { exact: true }).waitFor();
    await page.getByLabel('Action').fill('not an action!');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/^Action: /).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByTestId('audit-row').first().waitFor();
    await assertAccessible(page, 'audit log');
    await screenshot(page, 'admin-audit');
    await page.goto(`${e2e.url}/admin/orgs`);
    await page.getByLabel('IP allowlist').waitFor();
    await assertAccessible(page, 'organization');
    assertNoProblems(problems);
  });
});
