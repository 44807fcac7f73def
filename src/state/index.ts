export { openStore, sqlitePathIn, type Store, type StoreDialect, type StoreOptions } from './store.ts';
export type { Database, ApiKeyTable, UsageRecordTable, UsageDailyTable, AdminAlertTable } from './schema.ts';
export type { BudgetTables, AuditEventTable } from './schema-budgets.ts';
