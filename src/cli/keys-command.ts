import { parseArgs } from 'node:util';
import { KeyService } from '../access/key-service.ts';
import type { Config } from '../config/index.ts';
import { openConfiguredStore } from '../main.ts';
import { fail } from './main.ts';

/** `tollgate keys create|list|revoke`: key administration straight on the store. */
export async function keysCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const store = openConfiguredStore(config);
  await store.migrate();
  const keys = new KeyService(store, { cacheTtlMs: 0 });
  try {
    if (sub === 'create') {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          owner: { type: 'string' },
          admin: { type: 'boolean', default: false },
          models: { type: 'string' },
          expires: { type: 'string' },
        },
      });
      if (!values.name?.trim()) fail('keys create needs --name');
      const expiresAt = values.expires === undefined ? null : Date.parse(values.expires);
      if (expiresAt !== null && (Number.isNaN(expiresAt) || expiresAt <= Date.now())) fail('--expires must be a future ISO 8601 time');
      const models = values.models?.split(',').map((m) => m.trim()).filter(Boolean);
      const { key, secret } = await keys.create({
        name: values.name.trim(),
        owner: values.owner ?? null,
        role: values.admin ? 'admin' : 'user',
        allowedModels: models?.length ? models : null,
        expiresAt,
      });
      process.stdout.write(`created ${key.id} (${key.prefix}…, ${key.role})\nkey (shown once): ${secret}\n`);
    } else if (sub === 'list') {
      parseArgs({ args: rest, options: {} });
      const rows = await keys.list();
      const table = rows.map((k) => ({
        id: k.id,
        prefix: k.prefix,
        name: k.name,
        owner: k.owner ?? '',
        role: k.role,
        created: k.created_at,
        last_used: k.last_used_at ?? '',
        expires: k.expires_at ?? '',
        state: k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) <= Date.now() ? 'expired' : 'active',
      }));
      if (table.length === 0) process.stdout.write('no keys\n');
      else console.table(table);
    } else if (sub === 'revoke') {
      const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
      const id = positionals[0];
      if (!id) fail('keys revoke needs a key id (see tollgate keys list)');
      const key = await keys.revoke(id);
      if (!key) fail(`no key with id '${id}'`);
      process.stdout.write(`revoked ${key.id} (${key.prefix}…)\n`);
    } else {
      fail('usage: tollgate keys create|list|revoke (see tollgate --help)');
    }
  } finally {
    await keys.close();
    await store.close();
  }
}
