import { parseArgs } from 'node:util';
import { updateAccount } from '../access/auth/account-changes.ts';
import { PasswordHasher, assertPasswordPolicy, parseDisplayName, parseEmailAddress } from '../access/credentials/index.ts';
import { ROLES, type Role } from '../access/permissions/roles.ts';
import { SessionService } from '../access/sessions/session-service.ts';
import type { Config } from '../config/index.ts';
import { TollgateError } from '../errors/index.ts';
import { withCliAccess } from './access-session.ts';
import { loadDirectoryNames } from './directory-names.ts';
import { userListings, userTable } from './user-listing.ts';
import { fail } from './main.ts';

/**
 * `tollgate users list|create|set-password`: user administration straight on the store, for the
 * operator (e.g. to give the bootstrap owner a password for the web app).
 */
export async function usersCommand(config: Config, args: string[], readStdin: () => Promise<string> = stdinText): Promise<void> {
  const [sub, ...rest] = args;
  await withCliAccess(config, async ({ store, directory, home, ctx }) => {
    if (sub === 'list') {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
      const users = await directory.allUsers();
      const names = await loadDirectoryNames(directory);
      const rows = userListings(users, await directory.membershipsOf(users.map((u) => u.id)), names);
      if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length === 0) process.stdout.write('no users\n');
      else process.stdout.write(userTable(rows, names.manyOrgs));
    } else if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, 'org-role': { type: 'string' }, team: { type: 'string' }, role: { type: 'string' } } });
      const email = checked(() => parseEmailAddress(values.email));
      const name = checked(() => parseDisplayName(values.name ?? email.split('@')[0]));
      const orgRole = values['org-role'] === undefined ? null : role(values['org-role']);
      if (await directory.findUserByEmail(email)) fail(`a user with email '${email}' exists`);
      const team = values.team === undefined ? undefined : await directory.getTeam(values.team);
      if (values.team !== undefined && (!team || team.org_id !== home.org.id)) fail(`no team with id '${values.team}' in the home organization`);
      const teamRole = role(values.role ?? 'member');
      const user = await directory.createUser({ orgId: home.org.id, email, name, orgRole }, ctx);
      if (team) await directory.setMembership(team.id, user.id, teamRole, ctx);
      process.stdout.write(`created ${user.id} (${user.email}); set a password with: tollgate users set-password ${user.email}\n`);
    } else if (sub === 'set-password') {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
      const email = positionals[0];
      if (!email) fail('users set-password needs an email');
      const user = await directory.findUserByEmail(email);
      if (!user) fail(`no user with email '${email}'`);
      const password = (process.env.TOLLGATE_NEW_PASSWORD ?? (await readStdin())).replace(/\r?\n$/, '');
      checked(() => assertPasswordPolicy(password, 'password'));
      const at = Date.now();
      const hash = await new PasswordHasher().hash(password);
      await updateAccount(store, user.id, { password_hash: hash, password_changed_at: at }, { action: 'user.password_set', ctx }, at);
      const ended = await new SessionService(store, directory).endAll(user.id);
      process.stdout.write(`password set for ${user.email}${ended ? `; ${ended} session(s) ended` : ''}\n`);
    } else {
      fail('usage: tollgate users list|create|set-password (see tollgate --help)');
    }
  });
}

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) fail(`unknown role '${value}' (one of ${ROLES.join(', ')})`);
  return value as Role;
}

function checked<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof TollgateError) fail(err.message);
    throw err;
  }
}

async function stdinText(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('new password (input is shown; prefer piping it or TOLLGATE_NEW_PASSWORD): ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (process.stdin.isTTY && text.includes('\n')) break;
  }
  return text;
}
