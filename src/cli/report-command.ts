import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { KeyObject } from 'node:crypto';
import pino from 'pino';
import { loadSigningKey } from '../compliance/audit/index.ts';
import { loadMasterKey, type EncryptionStatus } from '../compliance/crypto/index.ts';
import type { Config } from '../config/index.ts';
import { createBudgetService } from '../metering/budgets/index.ts';
import { UsageLedger } from '../metering/ledger.ts';
import { buildComplianceReport, reportHtml, reportPdf, reportPeriod, reportSources } from '../reports/index.ts';
import { withCliAccess } from './access-session.ts';
import { fail } from './main.ts';

const USAGE = 'usage: tollgate report compliance [--org ORG_ID] [--from ISO-TIME] [--to ISO-TIME] [--format json|html|pdf] [--out FILE]';

/**
 * `tollgate report compliance`: the compliance report of an organization (default the home one) for
 * a period (default the last 30 days), as JSON, HTML or PDF, to standard output or a file. The same
 * report as `GET /api/reports/compliance`, built from the store directly (works beside a running server).
 */
export async function reportCommand(config: Config, args: string[], out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const [kind, ...rest] = args;
  if (kind !== 'compliance') fail(USAGE);
  const { values } = parseArgs({ args: rest, options: { org: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'json' }, out: { type: 'string' } } });
  const format = values.format;
  if (format !== 'json' && format !== 'html' && format !== 'pdf') fail(`--format must be json, html or pdf, not '${format}'`);
  if (format === 'pdf' && values.out === undefined) fail('--format pdf needs --out FILE (a PDF is not for the terminal)');
  for (const [flag, value] of [['--from', values.from], ['--to', values.to]] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) fail(`${flag} '${value}' is not an ISO 8601 time (e.g. 2026-11-01T00:00:00Z)`);
  }
  let period: { from: number; to: number };
  try {
    period = reportPeriod({ from: values.from, to: values.to }, Date.now());
  } catch (err) {
    fail((err as Error).message);
  }
  await withCliAccess(config, async ({ store, directory, keys, home }) => {
    const log = pino({ level: 'silent' });
    const budgets = await createBudgetService(store, { log });
    const ledger = new UsageLedger(store, log, { writerThread: false });
    const signer = loadSigningKey({ file: config.compliance.audit_signing_key_file, dataDir: config.store.data_dir });
    const auditPublicKeys = new Map<string, KeyObject>(signer ? [[signer.keyId, signer.publicKey]] : []);
    try {
      const orgId = values.org ?? home.org.id;
      if (!(await directory.getOrg(orgId))) fail(`no organization '${orgId}' (tollgate users list shows the organizations)`);
      const sources = reportSources({ store, directory, keys, budgets, ledger, config, homeOrgId: home.org.id, auditPublicKeys, encryption: encryptionStatusOf(config) });
      const report = await buildComplianceReport(sources, { orgId, ...period });
      const target = values.out === undefined ? out : createWriteStream(values.out, { mode: 0o600 });
      if (format === 'pdf') reportPdf(report).pipe(target);
      else target.end(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : reportHtml(report));
      if (target !== out) {
        await finished(target);
        process.stderr.write(`compliance report of ${report.org.name} written to ${values.out}: ${report.summary.attention} sections need attention\n`);
      }
    } finally {
      await ledger.close();
      await budgets.close();
    }
  });
}

/** Encryption at rest as the server would find it, without creating a key (a report must not change anything). */
function encryptionStatusOf(config: Config): EncryptionStatus {
  const c = config.compliance;
  try {
    const key = loadMasterKey({ keyText: c.master_key, keyFile: c.master_key_file, dataDir: config.store.data_dir });
    if (key) return { status: 'on', key_source: c.master_key ? 'env' : c.master_key_file ? 'file' : 'data_dir' };
    return { status: 'off', reason: 'no master key is configured (TOLLGATE_MASTER_KEY, TOLLGATE_MASTER_KEY_FILE) or in the data folder' };
  } catch (err) {
    return { status: 'off', reason: (err as Error).message };
  }
}
