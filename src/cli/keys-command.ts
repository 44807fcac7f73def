import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import { checkHumanName } from '../http/index.ts';
import { withCliAccess } from './access-session.ts';
import { loadDirectoryNames } from './directory-names.ts';
import { keyListings, keyTable } from './key-listing.ts';
import { fail } from './main.ts';
import { rotateMasterCommand } from './rotate-master-command.ts';

/** `tollgate keys create|list|revoke|rotate-master`: key administration straight on the store. */
export async function keysCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'rotate-master') return rotateMasterCommand(config, rest);
  await withCliAccess(config, async ({ store, directory, keys, home, ctx }) => {
    if (sub === 'create') {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          user: { type: 'string' },
          team: { type: 'string' },
          role: { type: 'string' },
          models: { type: 'string' },
          expires: { type: 'string' },
        },
      });
      if (values.name === undefined) fail('keys create needs --name');
      const checkedName = checkHumanName(values.name);
      if ('problem' in checkedName) fail(`--name ${checkedName.problem}`);
      const expiresAt = values.expires === undefined ? null : Date.parse(values.expires);
      if (expiresAt !== null && (Number.isNaN(expiresAt) || expiresAt <= Date.now())) fail('--expires must be a future ISO 8601 time');
      const models = values.models?.split(',').map((m) => m.trim()).filter(Boolean);
      const role = values.role ?? 'member';
      if (!['admin', 'member', 'viewer'].includes(role)) fail('--role must be admin, member or viewer');
      let userId: string | null = null;
      let teamId: string | null = null;
      let belongsTo = '';
      let orgId = home.org.id;
      if (values.team !== undefined) {
        const team = await directory.getTeam(values.team);
        if (!team) fail(`no team with id '${values.team}'`);
        teamId = team.id;
        belongsTo = `team ${team.name} (${team.id})`;
        orgId = team.org_id;
      } else {
        const user = values.user === undefined ? home.owner : await directory.findUserByEmail(values.user);
        if (!user) fail(`no user with email '${values.user}'`);
        userId = user.id;
        belongsTo = user.email;
        orgId = user.org_id;
      }
      const { key, secret } = await keys.create(
        {
          name: checkedName.name,
          orgId,
          userId,
          teamId,
          role: teamId === null ? undefined : (role as 'admin' | 'member' | 'viewer'),
          allowedModels: models?.length ? models : null,
          expiresAt,
        },
        { ...ctx, orgId },
      );
      const who = key.kind === 'personal' ? `personal key of ${belongsTo}` : `service key of ${belongsTo}, role ${key.role}`;
      process.stdout.write(`created ${key.id} (${key.prefix}…, ${who})\nkey (shown once): ${secret}\n`);
    } else if (sub === 'list') {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
      const names = await loadDirectoryNames(directory);
      const rows = keyListings(await keys.listAll(), names);
      if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length === 0) process.stdout.write('no keys\n');
      else process.stdout.write(keyTable(rows, names.manyOrgs));
    } else if (sub === 'revoke') {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
      const id = positionals[0];
      if (!id) fail('keys revoke needs a key id (see tollgate keys list)');
      const key = await keys.revoke(id, ctx);
      if (!key) fail(`no key with id '${id}'`);
      process.stdout.write(`revoked ${key.id} (${key.prefix}…)\n`);
    } else {
      fail('usage: tollgate keys create|list|revoke|rotate-master (see tollgate --help)');
    }
  });
}
