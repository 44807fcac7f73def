import type { Config } from '../config/index.ts';
import { openConfiguredStore } from '../state/index.ts';

/** `tollgate migrate`: applies pending migrations and exits. */
export async function migrateCommand(config: Config): Promise<void> {
  const store = openConfiguredStore(config.store);
  try {
    const applied = await store.migrate();
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await store.close();
  }
}
