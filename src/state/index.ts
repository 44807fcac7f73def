export { openStore, sqlitePathIn, type Store, type StoreDialect, type StoreOptions } from './store.ts';
export type { Database, ApiKeyTable, UsageRecordTable, UsageDailyTable, AdminAlertTable } from './schema.ts';
export type { BudgetTables, AuditEventTable } from './schema-budgets.ts';
export { lockDataDir, DataDirInUseError, type DataDirLock, type DataDirHolder } from './data-dir-lock.ts';
export { openConfiguredStore, type StoreChoice } from './configured-store.ts';
export type { ComplianceTables, AuditChainHeadTable, AuditCheckpointTable, DataKeyTable } from './schema-compliance.ts';
export { ACCESS_TOPIC, createChangeFeed, publishChange, type ChangeFeed } from './change-feed/index.ts';
