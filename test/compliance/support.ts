import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditCommand } from '../../src/cli/audit-command.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { TestStore } from '../support/stores.ts';

/** A fresh master key as TOLLGATE_MASTER_KEY takes it. */
export const newMasterKeyText = () => randomBytes(32).toString('base64');

/**
 * Everything the database holds, as text, to look for plaintext in: on SQLite the bytes of every
 * file of the data folder's database (main file, WAL, shared memory); on PostgreSQL every row of the
 * tables that hold content or secrets (what a stolen dump would show).
 */
export async function storeBytes(ts: TestStore): Promise<string> {
  if (ts.databaseUrl === undefined) {
    return readdirSync(ts.dataDir)
      .filter((f) => f.startsWith('tollgate.db'))
      .map((f) => readFileSync(join(ts.dataDir, f)).toString('latin1'))
      .join('\n');
  }
  const db = ts.store.db;
  const tables = ['conversation_messages', 'conversations', 'users', 'orgs', 'audit_events', 'usage_records', 'templates', 'data_keys'] as const;
  const parts: string[] = [];
  for (const t of tables) parts.push(JSON.stringify(await db.selectFrom(t).selectAll().execute()));
  return parts.join('\n');
}

/**
 * `tollgate audit verify` against the test store, in process: what it printed and the exit code it
 * set (the process's own exit code is left as it was).
 */
export async function runAuditVerify(ts: TestStore): Promise<{ exitCode: number; printed: string }> {
  let printed = '';
  const config = loadConfig({ TOLLGATE_DATA_DIR: ts.dataDir, TOLLGATE_LOG_LEVEL: 'silent', ...(ts.databaseUrl ? { DATABASE_URL: ts.databaseUrl } : {}) }, { findFile: false });
  const exitBefore = process.exitCode;
  await auditCommand(config, ['verify'], { write: (s: string | Uint8Array) => ((printed += String(s)), true) });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = exitBefore;
  return { exitCode, printed };
}
