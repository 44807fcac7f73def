import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertAccessible } from './support/axe.ts';
import { screenshot } from './support/browser.ts';
import { signIn, withSession } from '../access/auth/support.ts';
import { assertNoProblems, createUser, linkIn, nextTotpCode, signInThroughPage, startE2e, type E2e } from './support/app.ts';

// The account flows in a real browser: an invitation mailed by a real SMTP server, accepted with a
// new password; two-factor enrolment with the QR code's key; signing in with the TOTP step; a
// password reset by mail; single sign-on found from the email's domain.
describe('web app: joining, signing in and securing an account (Chromium)', () => {
  let e2e: E2e;
  before(async () => {
    e2e = await startE2e();
  });
  after(() => e2e.close());

  test('an invited person opens the mailed link, chooses a password and lands in the workspace', async () => {
    const { gw, smtp, url } = e2e;
    const email = 'lea@example.com';
    const res = await gw.call('/api/invitations', { body: { email, team_id: gw.tg.home.defaultTeam.id, role: 'member' } });
    assert.equal(res.status, 201, await res.clone().text());
    const mail = await smtp.waitFor(email);
    const link = linkIn(mail.text, `${url}/invite?token=`);

    const { page, problems, context } = await e2e.browser.newContext();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Join Default' }).waitFor();
    assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar');
    assert.equal(await page.getByLabel('Email').inputValue(), email);
    await assertAccessible(page, 'invitation page');
    await screenshot(page, 'invite');

    await page.getByLabel('Your name').fill('Lea Smith');
    await page.getByLabel('Choose a password').fill('short');
    await page.getByLabel('Repeat the password').click();
    await page.getByText('Use at least 12 characters').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Create my account and join' }).isDisabled(), 'a weak password cannot be sent');
    await page.getByLabel('Choose a password').fill('a long enough passphrase');
    await page.getByLabel('Repeat the password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create my account and join' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('button', { name: `Account: ${email}` }).waitFor();

    // The link worked once: opening it again says so in words.
    const second = await context.newPage();
    await second.goto(link);
    await second.getByText('This invitation link is no longer valid').waitFor();
    assertNoProblems(problems);
    await context.close();
  });

  test('someone who already has an account with 2FA joins another team with their password and a code', async () => {
    const { gw, smtp, url } = e2e;
    const u = await createUser(gw);
    const s = await signIn(gw, u.email, u.password);
    const enrol = (await (await withSession(gw, s, '/api/me/2fa', { method: 'POST', body: {} })).json()) as { secret: string };
    const on = await withSession(gw, s, '/api/me/2fa/confirm', { method: 'POST', body: { code: await nextTotpCode(gw, u.user.id, enrol.secret) } });
    assert.equal(on.status, 200, await on.clone().text());
    const team = (await (await gw.call('/api/teams', { body: { name: 'Second team' } })).json()) as { id: string };
    const inv = await gw.call('/api/invitations', { body: { email: u.email, team_id: team.id, role: 'viewer' } });
    assert.equal(inv.status, 201, await inv.clone().text());
    const link = linkIn((await smtp.waitFor(u.email)).text, `${url}/invite?token=`);
    const { page, problems, context } = await e2e.browser.newContext();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Join Second team' }).waitFor();
    await page.getByLabel('Your password').fill(u.password);
    await page.getByRole('button', { name: 'Join the team' }).click();
    await page.getByLabel('Authentication code').fill(await nextTotpCode(gw, u.user.id, enrol.secret));
    await assertAccessible(page, 'invitation, second factor');
    await page.getByRole('button', { name: 'Join the team' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const members = (await (await gw.call(`/api/teams/${team.id}/members`)).json()) as { data: { user_id: string; role: string }[] };
    assert.deepEqual(members.data.map((m) => [m.user_id, m.role]), [[u.user.id, 'viewer']]);
    assertNoProblems(problems);
    await context.close();
  });

  test('two-factor enrolment with the QR code, then signing in asks for the code', async () => {
    const { gw, url } = e2e;
    const u = await createUser(gw);
    const { page, problems, context } = await e2e.browser.newContext();
    await signInThroughPage(page, e2e, u);
    await page.goto(`${url}/settings/security`);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    await assertAccessible(page, 'two-factor enrolment');
    await screenshot(page, 'two-factor-enrolment');

    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByText('That code did not work').waitFor();
    await page.getByLabel('Code from the app').fill(await nextTotpCode(gw, u.user.id, secret));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByText('On', { exact: true }).waitFor();

    // Sign out, then sign in again: the TOTP step appears and a wrong code is explained.
    await page.getByRole('button', { name: `Account: ${u.email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Tollgate' }).waitFor();
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authentication code').waitFor();
    await assertAccessible(page, 'sign-in, second factor');
    await page.getByLabel('Authentication code').fill('123456');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByText('That code did not work').waitFor();
    await page.getByLabel('Authentication code').fill(await nextTotpCode(gw, u.user.id, secret));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    assertNoProblems(problems);
    await context.close();
  });

  test('a wrong password is explained, and a password reset by mail works once', async () => {
    const { gw, smtp, url } = e2e;
    const u = await createUser(gw);
    const { page, problems, context } = await e2e.browser.newContext();
    await page.goto(`${url}/sign-in`);
    await assertAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('That email and password do not match an account').waitFor();

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(u.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const mail = await smtp.waitFor(u.email);
    const link = linkIn(mail.text, `${url}/reset-password?token=`);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar');
    await assertAccessible(page, 'reset password');
    await page.getByLabel('New password').fill('my brand new passphrase');
    await page.getByLabel('Repeat the password').fill('my brand new passphrase');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByRole('heading', { name: 'Your password is set' }).waitFor();
    await signInThroughPage(page, e2e, { ...u, password: 'my brand new passphrase' });

    const again = await context.newPage();
    await again.goto(link);
    await again.getByLabel('New password').fill('yet another passphrase');
    await again.getByLabel('Repeat the password').fill('yet another passphrase');
    await again.getByRole('button', { name: 'Set the password' }).click();
    await again.getByText('This link has expired or was already used').waitFor();
    assertNoProblems(problems);
    await context.close();
  });

  test('own sessions: another browser is signed out from the sessions page and is told so; own keys', async () => {
    const { gw, url } = e2e;
    const u = await createUser(gw);
    const laptop = await e2e.browser.newContext();
    const phone = await e2e.browser.newContext();
    await signInThroughPage(laptop.page, e2e, u);
    await signInThroughPage(phone.page, e2e, u);
    await laptop.page.goto(`${url}/settings/sessions`);
    const rows = laptop.page.getByRole('table', { name: 'Your sessions' }).getByRole('row');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3, 'a header and two sessions');
    await laptop.page.getByText('This browser').waitFor();
    await assertAccessible(laptop.page, 'sessions');
    await laptop.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await laptop.page.getByText('That browser is signed out.').waitFor();
    // The phone finds out at its next request, and says so instead of breaking.
    await phone.page.goto(`${url}/settings/profile`);
    await phone.page.getByText('Your session has ended. Sign in again to continue.').waitFor();
    assert.match(phone.page.url(), /\/sign-in\?next=%2Fsettings%2Fprofile/);
    assertNoProblems(phone.problems);

    await laptop.page.goto(`${url}/settings/keys`);
    await laptop.page.getByText('No keys yet').waitFor();
    await laptop.page.getByRole('button', { name: 'Create key' }).click();
    await laptop.page.getByRole('dialog', { name: 'Create a key' }).getByLabel('Name').fill('my laptop');
    assert.equal(await laptop.page.getByLabel('Kind').count(), 0, 'a member makes personal keys only');
    await laptop.page.getByRole('dialog', { name: 'Create a key' }).getByRole('button', { name: 'Create key' }).click();
    const secret = (await laptop.page.getByTestId('key-secret').textContent())!.trim();
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(models.status, 200, 'the personal key works');
    await laptop.page.getByRole('button', { name: 'Done' }).click();
    await assertAccessible(laptop.page, 'own keys');
    await laptop.page.goto(`${url}/settings/profile`);
    await laptop.page.getByLabel('Display name').fill('Renamed Person');
    await laptop.page.getByRole('button', { name: 'Save' }).click();
    await laptop.page.getByText('Your name is saved.').waitFor();
    await assertAccessible(laptop.page, 'profile');
    assertNoProblems(laptop.problems);
    await laptop.context.close();
    await phone.context.close();
  });

  test('an address whose domain signs in with SSO is offered "Sign in with SSO"', async () => {
    const { gw, url } = e2e;
    const orgId = gw.tg.home.org.id;
    const put = await gw.call(`/api/orgs/${orgId}/sso`, { method: 'PUT', body: { issuer: 'https://idp.corp.example', client_id: 'tollgate', allowed_email_domains: ['corp.example'] } });
    assert.equal(put.status, 200, await put.clone().text());
    const { page, problems, context } = await e2e.browser.newContext();
    await page.goto(`${url}/sign-in?next=%2Fadmin%2Fusage`);
    await page.getByLabel('Email').fill('ana@elsewhere.example');
    await page.waitForTimeout(700);
    assert.equal(await page.getByRole('link', { name: 'Sign in with SSO' }).count(), 0, 'no SSO for a domain nobody signs in');
    await page.getByLabel('Email').fill('ana@corp.example');
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    await sso.waitFor();
    assert.equal(await sso.getAttribute('href'), `/api/auth/sso/${orgId}/start?return_to=${encodeURIComponent('/admin/usage')}`);
    await page.getByText('signs in corp.example addresses with single sign-on').waitFor();
    assertNoProblems(problems);
    await context.close();
    await gw.call(`/api/orgs/${orgId}/sso`, { method: 'DELETE' });
  });
});
