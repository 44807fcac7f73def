import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { KeyObject } from 'node:crypto';
import { loadSigningKey, parseCheckpoint, parsePublicKey, signingKeyId, verifyAuditChain, type ChainReport } from '../compliance/audit/index.ts';
import type { Config } from '../config/index.ts';
import { openConfiguredStore } from '../state/index.ts';
import { fail } from './main.ts';

/**
 * `tollgate audit verify [--public-key FILE]… [--expect CHECKPOINT]… [--json]`: checks the whole
 * audit chain and its signed checkpoints; exit code 1 and the first broken record when it is not intact.
 * `tollgate audit public-key`: prints the checkpoint signing key's public half (to verify elsewhere).
 */
export async function auditCommand(config: Config, args: string[], out: Pick<NodeJS.WriteStream, 'write'> = process.stdout): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'public-key') {
    parseArgs({ args: rest, options: {} });
    const key = loadSigningKey({ file: config.compliance.audit_signing_key_file, dataDir: config.store.data_dir });
    if (!key) fail(`no audit signing key in ${config.store.data_dir} (it is created when tollgate serve first starts) and TOLLGATE_AUDIT_SIGNING_KEY_FILE is not set`);
    out.write(`# key id ${key.keyId}\n${key.publicKey.export({ format: 'pem', type: 'spki' }).toString()}`);
    return;
  }
  if (sub !== 'verify') fail('usage: tollgate audit verify [--public-key FILE]... [--expect CHECKPOINT]... [--json] | tollgate audit public-key');
  const { values } = parseArgs({
    args: rest,
    options: { 'public-key': { type: 'string', multiple: true }, expect: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  const publicKeys = new Map<string, KeyObject>();
  const own = loadSigningKey({ file: config.compliance.audit_signing_key_file, dataDir: config.store.data_dir });
  if (own) publicKeys.set(own.keyId, own.publicKey);
  for (const file of values['public-key'] ?? []) {
    let key: KeyObject;
    try {
      key = parsePublicKey(readFileSync(file, 'utf8'));
    } catch (err) {
      fail(`--public-key ${file}: ${(err as Error).message}`);
    }
    publicKeys.set(signingKeyId(key), key);
  }
  const expected = (values.expect ?? []).map((text) => {
    try {
      return parseCheckpoint(text);
    } catch (err) {
      fail(`--expect: ${(err as Error).message}`);
    }
  });
  const store = openConfiguredStore(config.store);
  let report: ChainReport;
  try {
    await store.migrate();
    report = await verifyAuditChain(store, { publicKeys, expected });
  } finally {
    await store.close();
  }
  out.write(values.json ? `${JSON.stringify(report)}\n` : describeReport(report, publicKeys.size));
  if (!report.ok) process.exitCode = 1;
}

function describeReport(r: ChainReport, keys: number): string {
  const lines: string[] = [];
  const span = r.first && r.last ? ` (seq ${r.first.seq}–${r.last.seq})` : '';
  lines.push(`${r.ok ? 'audit chain intact' : 'audit chain BROKEN'}: ${r.records} records${span}, ${r.checkpoints.verified} of ${r.checkpoints.total} checkpoints verified${r.checkpoints.latestSeq === null ? '' : ` (latest at seq ${r.checkpoints.latestSeq})`}`);
  if (keys === 0) lines.push('  no trusted signing key: give --public-key FILE, or run where the signing key is');
  if (r.pending.count > 0) lines.push(`  ${r.pending.count} records not linked yet (oldest ${new Date(r.pending.oldestAt!).toISOString()}); the running server links them within seconds`);
  if (r.firstBroken) {
    const fb = r.firstBroken;
    lines.push(`  first broken: ${fb.recordId ?? '(no record)'}${fb.seq === null ? '' : ` at seq ${fb.seq}`}: ${fb.message}`);
    for (const p of r.problems.slice(0, 20)) if (p !== fb) lines.push(`  also: ${p.message}`);
    if (r.problems.length > 20) lines.push(`  … ${r.problems.length - 20} more problems`);
  }
  return `${lines.join('\n')}\n`;
}
