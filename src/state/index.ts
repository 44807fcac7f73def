export { openStore, sqlitePathIn, type Store, type StoreDialect, type StoreOptions } from './store.ts';
export type { Database, ApiKeyTable, UsageRecordTable } from './schema.ts';
