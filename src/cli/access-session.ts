import { bootstrapAccess, type HomeOrg } from '../access/bootstrap.ts';
import type { ChangeContext } from '../access/change-record.ts';
import { Directory } from '../access/directory/directory.ts';
import { keyPlacements } from '../access/key-placement.ts';
import { KeyService } from '../access/key-service.ts';
import type { Config } from '../config/index.ts';
import { placeUnplacedRows } from '../metering/unplaced-rows.ts';
import { collectCommittedChanges, openConfiguredStore, type Store } from '../state/index.ts';

/** What an operator command works with: the store, the directory, keys, the home org, and `system` as actor. */
export interface CliAccess {
  store: Store;
  directory: Directory;
  keys: KeyService;
  home: HomeOrg;
  ctx: ChangeContext;
}

/**
 * Opens the configured store (migrated, home organization ensured), runs `work`, and closes
 * everything whatever happens.
 * @example await withCliAccess(config, async ({ keys, home, ctx }) => keys.listAll());
 */
export async function withCliAccess(config: Config, work: (access: CliAccess) => Promise<void>): Promise<void> {
  const store = openConfiguredStore(config.store);
  await store.migrate();
  const directory = new Directory(store);
  const keys = new KeyService(store, directory, { cacheTtlMs: 0 });
  // With REDIS_URL, running instances hear of what this command changed over Redis at once.
  const changes = collectCommittedChanges(store);
  try {
    const home = await bootstrapAccess(store, directory, keys, { orgName: config.access.org_name, ownerEmail: config.access.owner_email, adminKey: config.access.admin_key });
    if (home.firstStart) await placeUnplacedRows(store, home.org.id, (ids) => keyPlacements(store, ids));
    await work({ store, directory, keys, home, ctx: { actorId: 'system', orgId: home.org.id } });
  } finally {
    await changes.flush(config.store.redis_url);
    await keys.close();
    await store.close();
  }
}
