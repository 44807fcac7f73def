import { createPostgresStore, createSqliteStore } from '../../../test/support/stores.ts';
import { openStore } from '../store.ts';
import { changeFeedContract } from './change-feed-contract.ts';
import { PgNotifyChangeFeed } from './pg-notify-change-feed.ts';
import { SqlitePollChangeFeed } from './sqlite-poll-change-feed.ts';

changeFeedContract('SQLite, polling the counters', async () => {
  const listener = await createSqliteStore();
  // The writer: another connection to the same file, as another process would open.
  const writer = openStore({ sqlitePath: `${listener.dataDir}/tollgate.db`, checkpointIntervalMs: 0 });
  const feed = new SqlitePollChangeFeed(listener.store.db, { intervalMs: 250 });
  return {
    writer: writer.db,
    dialect: 'sqlite',
    feed,
    async dispose() {
      await feed.close();
      await writer.close();
      await listener.dispose();
    },
  };
});

const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;
if (pgUrl) {
  changeFeedContract('PostgreSQL, LISTEN/NOTIFY', async () => {
    const listener = await createPostgresStore(pgUrl);
    const writer = openStore({ databaseUrl: listener.databaseUrl });
    const feed = new PgNotifyChangeFeed(listener.store.db, { databaseUrl: listener.databaseUrl! });
    return {
      writer: writer.db,
      dialect: 'postgres',
      feed,
      async dispose() {
        await feed.close();
        await writer.close();
        await listener.dispose();
      },
    };
  });
}
