import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import type { Download, Locator, Page } from 'playwright-core';
import { postSignIn, signIn, withSession } from '../access/auth/support.ts';
import { assertAccessible } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { assertNoProblems, createUser, signInThroughPage, startE2e, type E2e, type TestUser } from './support/app.ts';

// Privacy requests and retention from the browser: a person downloads everything Tollgate holds
// about them and erases their account; an owner sets retention periods (the API's own validation
// shown at the field) and exports and erases a member; a plain member is kept out of Retention.
describe('web app: privacy requests and retention (Chromium)', () => {
  let e2e: E2e;
  before(async () => {
    e2e = await startE2e();
  });
  after(() => e2e.close());

  /** Gives `u` a conversation with one turn whose prompt is `text` (through the API, as the workspace does). */
  async function conversationOf(u: TestUser, text: string): Promise<string> {
    const s = await signIn(e2e.gw, u.email, u.password);
    const created = await withSession(e2e.gw, s, '/api/conversations', { method: 'POST', body: { model: 'gpt-4o-mini', title: 'Private notes' } });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const turn = await withSession(e2e.gw, s, `/api/conversations/${id}/messages`, { method: 'POST', body: { parent_id: null, content: text } });
    assert.equal(turn.status, 200, await turn.clone().text());
    await turn.text();
    return id;
  }

  /** Clicks, waits for the browser's download and answers its bytes and suggested name. */
  async function downloadBy(page: Page, click: () => Promise<void>): Promise<{ bytes: Buffer; name: string }> {
    const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
    return { bytes: readFileSync((await download.path())!), name: download.suggestedFilename() };
  }

  /** The conversations in a downloaded ZIP export, parsed. */
  function conversationsInZip(bytes: Buffer): { id: string; messages: { content: string }[] }[] {
    const files = unzipSync(new Uint8Array(bytes));
    assert.ok(files['manifest.json'] && files['user.json'], `an export archive: ${Object.keys(files).join(', ')}`);
    return Object.keys(files)
      .filter((f) => f.startsWith('conversations/') && f.endsWith('.json'))
      .map((f) => JSON.parse(strFromU8(files[f]!)));
  }

  async function cannotSignIn(u: TestUser): Promise<void> {
    const res = await postSignIn(e2e.gw, { email: u.email, password: u.password });
    assert.equal(res.status, 401, `${u.email} can no longer sign in: ${await res.text()}`);
  }

  test('a person downloads their data as ZIP and JSON, then erases their account and cannot sign in again', async () => {
    const u = await createUser(e2e.gw, { teamRole: 'member' });
    const text = `Quokka${Date.now()} budget plans for the Porto office`;
    const conversationId = await conversationOf(u, text);
    const { page, problems, context } = await e2e.browser.newContext();
    await signInThroughPage(page, e2e, u);
    await page.goto(`${e2e.url}/settings/profile`);
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Privacy', exact: true }).waitFor();
    await page.getByText('What Tollgate holds about you').waitFor();
    await assertAccessible(page, 'privacy');
    await screenshot(page, 'settings-privacy');

    const zip = await downloadBy(page, () => page.getByRole('button', { name: 'Download my data (ZIP)' }).click());
    assert.equal(zip.name, `tollgate-data-${u.user.id}.zip`);
    const conversations = conversationsInZip(zip.bytes);
    assert.deepEqual(conversations.map((c) => c.id), [conversationId]);
    assert.equal(conversations[0]!.messages[0]!.content, text, 'their own prompt is in the archive');
    const json = await downloadBy(page, () => page.getByRole('button', { name: 'Download as JSON' }).click());
    const doc = JSON.parse(json.bytes.toString('utf8')) as { object: string; user: { email: string }; conversations: { messages: { content: string }[] }[] };
    assert.deepEqual([doc.object, doc.user.email, doc.conversations[0]!.messages[0]!.content], ['data_export', u.email, text]);

    // Erasure: the dialog says what happens, and its button works only with their email typed.
    await page.getByRole('button', { name: 'Erase my account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase your account' });
    await dialog.getByText('Cannot be undone,').waitFor();
    await dialog.getByText('Kept, pseudonymized:').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Erase my account' });
    assert.ok(await confirm.isDisabled(), 'nothing is erased before the email is typed');
    await dialog.getByLabel(/Type your email/).fill('someone-else@example.com');
    assert.ok(await confirm.isDisabled());
    await dialog.getByLabel(/Type your email/).fill(u.email);
    await assertAccessible(page, 'erase account dialog');
    await screenshot(page, 'settings-privacy-erase');
    await confirm.click();
    await page.getByRole('heading', { name: 'Sign in to Tollgate' }).waitFor();
    await page.getByText('Your account was erased and you are signed out.').waitFor();
    assert.match(new URL(page.url()).pathname, /^\/sign-in$/);
    await screenshot(page, 'sign-in-after-erasure');

    // Signing in again, in the page and at the API, fails; the session cookie no longer works either.
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('That email and password do not match an account').waitFor();
    await cannotSignIn(u);
    const me = await context.request.get(`${e2e.url}/api/me`);
    assert.equal(me.status(), 401);
    assertNoProblems(problems);
    await context.close();
  });

  describe('an owner', () => {
    let owner: TestUser;
    let page: Page;
    let problems: { errors: string[] };
    before(async () => {
      owner = await createUser(e2e.gw, { orgRole: 'owner', teamRole: 'admin' });
      ({ page, problems } = await e2e.browser.newContext());
      await signInThroughPage(page, e2e, owner);
    });

    const field = (label: string): Locator => page.getByLabel(label, { exact: true });
    async function orgRetention(): Promise<Record<string, unknown>> {
      const s = await signIn(e2e.gw, owner.email, owner.password);
      return (await (await withSession(e2e.gw, s, `/api/orgs/${e2e.gw.tg.home.org.id}/retention`)).json()) as Record<string, unknown>;
    }

    test('sets the organization conversation retention to 30 days, and it is there after a reload', async () => {
      await page.goto(`${e2e.url}/admin/usage`);
      await page.getByRole('link', { name: 'Retention' }).click();
      await page.getByRole('heading', { name: 'Retention', exact: true }).waitFor();
      assert.equal(await field('Conversations').inputValue(), '', 'nothing set: kept forever');
      await page.getByText('Now: kept forever.').first().waitFor();
      await field('Conversations').fill('30');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Retention periods saved.').waitFor();
      await page.reload();
      await field('Conversations').waitFor();
      assert.equal(await field('Conversations').inputValue(), '30');
      await page.getByText('Now: 30 days.').waitFor();
      assert.equal(await field('Audit records').inputValue(), '', 'the other periods are still forever');
      const stored = await orgRetention();
      assert.deepEqual([stored.conversations_days, stored.ledger_days, stored.audit_days], [30, null, null]);
      await assertAccessible(page, 'retention');
    });

    test('a bad period shows the API\'s error at its field and saves nothing', async () => {
      // What the API says about each bad value, to find it at the field.
      const s = await signIn(e2e.gw, owner.email, owner.password);
      for (const bad of ['0', '-1', '36501']) {
        const res = await withSession(e2e.gw, s, `/api/orgs/${e2e.gw.tg.home.org.id}/retention`, { method: 'PUT', body: { conversations_days: Number(bad) } });
        assert.equal(res.status, 400);
        const { error } = (await res.json()) as { error: { message: string; param: string } };
        assert.equal(error.param, 'conversations_days');
        const reason = /^Invalid '[^']+'(?: \([^)]*\))?: (.*)$/s.exec(error.message)?.[1];
        assert.ok(reason, error.message);

        await page.goto(`${e2e.url}/admin/retention`);
        await field('Conversations').fill(bad);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        const input = field('Conversations');
        await page.waitForFunction((el) => el?.getAttribute('aria-invalid') === 'true', await input.elementHandle());
        const describedBy = (await input.getAttribute('aria-describedby'))!;
        const shown = (await page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`).textContent())!;
        assert.equal(shown, `Conversations: ${reason}`, `the error for ${bad} is next to the field`);
        if (bad === '0') await screenshot(page, 'admin-retention-error');
        await page.reload();
        await field('Conversations').waitFor();
        assert.equal(await field('Conversations').inputValue(), '30', `${bad} was not saved`);
      }
      assert.equal((await orgRetention()).conversations_days, 30);
    });

    test("sets a team's own periods and sees the effective ones", async () => {
      await page.goto(`${e2e.url}/admin/retention`);
      const row = page.getByRole('row', { name: /^Default/ });
      await row.getByText("Own: the organization's").first().waitFor();
      await row.getByRole('button', { name: 'Edit retention of Default' }).click();
      const dialog = page.getByRole('dialog', { name: 'Retention of Default' });
      await dialog.getByLabel('Conversations', { exact: true }).fill('0');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText(/^Conversations: /).waitFor();
      // Longer than the organization's 30 days for conversations: the shorter one applies.
      await dialog.getByLabel('Conversations', { exact: true }).fill('60');
      await dialog.getByLabel('Usage ledger rows', { exact: true }).fill('400');
      await assertAccessible(page, 'team retention dialog');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Retention of Default saved.').waitFor();
      const conv = row.getByTestId('team-conversations_days');
      const ledger = row.getByTestId('team-ledger_days');
      await conv.getByText('Own: 60 days').waitFor();
      assert.equal(await conv.textContent(), 'Own: 60 daysEffective: 30 days');
      assert.equal(await ledger.textContent(), 'Own: 400 daysEffective: 400 days');
      await page.reload();
      await row.getByTestId('team-ledger_days').getByText('Own: 400 days').waitFor();
      await screenshot(page, 'admin-retention');
      const s = await signIn(e2e.gw, owner.email, owner.password);
      const team = (await (await withSession(e2e.gw, s, `/api/teams/${e2e.gw.tg.home.defaultTeam.id}/retention`)).json()) as Record<string, unknown>;
      assert.deepEqual(team, { object: 'team_retention_policy', team_id: e2e.gw.tg.home.defaultTeam.id, conversations_days: 60, ledger_days: 400, effective: { conversations_days: 30, ledger_days: 400 } });
    });

    test('exports and erases another member from the People page; that member can no longer sign in', async () => {
      const member = await createUser(e2e.gw, { teamRole: 'member' });
      const text = `Axolotl${Date.now()} salary review notes`;
      const conversationId = await conversationOf(member, text);
      await page.goto(`${e2e.url}/admin/members`);
      const row = page.getByRole('row', { name: new RegExp(member.email) });
      const actions = row.getByRole('button', { name: `Actions for ${member.email}` });
      await actions.click();
      const zip = await downloadBy(page, () => page.getByRole('menuitem', { name: 'Export data (ZIP)' }).click());
      assert.equal(zip.name, `tollgate-data-${member.user.id}.zip`);
      const conversations = conversationsInZip(zip.bytes);
      assert.deepEqual(conversations.map((c) => [c.id, c.messages[0]?.content]), [[conversationId, text]]);

      await actions.click();
      await page.getByRole('menuitem', { name: 'Erase…' }).click();
      const dialog = page.getByRole('dialog', { name: `Erase ${member.email}` });
      await dialog.getByText('Removed for good:').waitFor();
      await dialog.getByLabel(/Type their email/).fill(member.email);
      await assertAccessible(page, 'erase member dialog');
      await screenshot(page, 'admin-members-erase');
      await dialog.getByRole('button', { name: 'Erase this person' }).click();
      await page.getByText(new RegExp(`${member.email.replace(/[.+]/g, '\\$&')} is erased`)).waitFor();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.getByRole('row', { name: new RegExp(member.email) }).count(), 0, 'the list no longer shows their email');
      assert.ok(!(await page.content()).includes('@erased.invalid'), 'nor the pseudonym their usage is now filed under');
      await cannotSignIn(member);
      const s = await signIn(e2e.gw, owner.email, owner.password);
      const again = await withSession(e2e.gw, s, `/api/users/${member.user.id}/data-export`);
      const left = (await again.json()) as { conversations: unknown[]; user: { email: string } };
      assert.deepEqual([left.conversations.length, left.user.email.endsWith('@erased.invalid')], [0, true], 'nothing of theirs is left to export');
      await screenshot(page, 'admin-members-after-erasure');
      assertNoProblems(problems);
    });
  });

  test('an auditor reads the retention periods without a way to change them', async () => {
    const auditor = await createUser(e2e.gw, { orgRole: 'auditor', teamRole: null });
    const { page, problems, context } = await e2e.browser.newContext();
    await signInThroughPage(page, e2e, auditor);
    await page.goto(`${e2e.url}/admin/retention`);
    await page.getByText('Only owners change retention.').waitFor();
    assert.ok(await page.getByLabel('Conversations', { exact: true }).isDisabled());
    assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
    await page.getByRole('row', { name: /^Default/ }).getByText(/^Own: /).first().waitFor();
    assert.equal(await page.getByRole('button', { name: /^Edit retention of/ }).count(), 0);
    assertNoProblems(problems);
    await context.close();
  });

  test('a plain member sees no Retention entry and gets the forbidden state at its address', async () => {
    const member = await createUser(e2e.gw, { teamRole: 'member' });
    const { page, problems, context } = await e2e.browser.newContext();
    await signInThroughPage(page, e2e, member);
    await page.goto(`${e2e.url}/admin/usage`);
    await page.getByRole('heading', { name: 'Usage analytics' }).first().waitFor();
    assert.equal(await page.getByRole('link', { name: 'Retention' }).count(), 0, 'no Retention in the navigation');
    await page.goto(`${e2e.url}/admin/retention`);
    await page.getByText('You do not have access to this page').waitFor();
    assert.match(new URL(page.url()).pathname, /^\/admin\/retention$/);
    assert.equal(await page.getByLabel('Conversations', { exact: true }).count(), 0, 'no form');
    await assertAccessible(page, 'forbidden');
    await screenshot(page, 'admin-retention-forbidden');
    // Nor can the API be used around the page.
    const s = await signIn(e2e.gw, member.email, member.password);
    const put = await withSession(e2e.gw, s, `/api/orgs/${e2e.gw.tg.home.org.id}/retention`, { method: 'PUT', body: { conversations_days: 1 } });
    assert.equal(put.status, 403);
    assertNoProblems(problems);
    await context.close();
  });
});
