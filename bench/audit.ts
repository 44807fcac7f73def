// Cost of the tamper-evident audit log at 1,000 records/s: change records written at that rate, each
// in its own transaction (as the services write them), first with no chainer, then with the chainer
// linking them every second and signing checkpoints. Prints CPU µs per record (this process: the
// writer and, in the second run, the chainer), write latency, how long records waited to be linked,
// and that the chain verifies. SQLite always; PostgreSQL too with --pg URL or TOLLGATE_TEST_DATABASE_URL
// (a scratch database is created and dropped).
// Run: node --import tsx bench/audit.ts [--seconds 5] [--rate 1000] [--pg postgres://…]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { changeRecord } from '../src/access/change-record.ts';
import { linkPending, loadSigningKey, startAuditChainer, verifyAuditChain } from '../src/compliance/audit/index.ts';
import { openStore, type Store } from '../src/state/index.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rate: { type: 'string', default: '1000' }, pg: { type: 'string' } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const pgUrl = values.pg ?? process.env.TOLLGATE_TEST_DATABASE_URL;

interface RunResult {
  records: number;
  cpuUsPerRecord: number;
  p50Ms: number;
  p99Ms: number;
  maxUnlinkedMs: number | null;
}

/** Writes `rate` records per second for `seconds`, in ticks of 10 ms; returns CPU and latency. */
async function writeAtRate(store: Store, watchLag: boolean): Promise<RunResult> {
  const latencies: number[] = [];
  const perTick = rate / 100;
  const total = rate * seconds;
  let written = 0;
  let maxUnlinked = 0;
  const lagProbe = watchLag
    ? setInterval(async () => {
        const r = await store.db.selectFrom('audit_events').select((eb) => eb.fn.min('at').as('oldest')).where('seq', 'is', null).executeTakeFirst();
        if (r?.oldest != null) maxUnlinked = Math.max(maxUnlinked, Date.now() - Number(r.oldest));
      }, 100)
    : undefined;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let tick = 0; written < total; tick++) {
    const due = start + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let i = 0; i < perTick && written < total; i++, written++) {
      const n = written;
      const t0 = performance.now();
      pending.push(
        store.db
          .transaction()
          .execute((trx) =>
            trx
              .insertInto('audit_events')
              .values(changeRecord({ actorId: `usr_${n % 50}`, orgId: 'org_bench', requestId: `req_${n}`, ip: '10.0.0.1' }, { action: 'key.updated', target: `key_${n % 200}`, before: { name: 'a', models: ['gpt-4o-mini'] }, after: { name: `b${n}`, models: ['gpt-4o-mini'] } }, Date.now()))
              .execute(),
          )
          .then(() => {
            latencies.push(performance.now() - t0);
          }),
      );
    }
    if (pending.length > 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const used = process.cpuUsage(cpu);
  if (lagProbe) clearInterval(lagProbe);
  latencies.sort((a, b) => a - b);
  return { records: total, cpuUsPerRecord: (used.user + used.system) / total, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxUnlinkedMs: watchLag ? maxUnlinked : null };
}

async function measure(name: string, open: () => Promise<{ store: Store; dataDir: string; dispose: () => Promise<void> }>): Promise<string[]> {
  const lines: string[] = [];
  for (const chained of [false, true]) {
    const { store, dataDir, dispose } = await open();
    try {
      const signer = loadSigningKey({ dataDir, create: true })!;
      const chainer = chained ? startAuditChainer(store, { signer }) : undefined;
      const r = await writeAtRate(store, chained);
      let verified = '';
      if (chainer) {
        await chainer.stop();
        const t = performance.now();
        const report = await verifyAuditChain(store, { publicKeys: new Map([[signer.keyId, signer.publicKey]]) });
        verified = `; verify: ${report.ok ? 'intact' : 'BROKEN'}, ${report.records} records in ${(performance.now() - t).toFixed(0)} ms`;
      }
      if (chained) {
        // The linker alone, on a backlog: CPU per record linked (hash, batched update, head row).
        const backlog = 10_000;
        const rows = Array.from({ length: backlog }, (_, n) => changeRecord({ actorId: 'usr_1', orgId: 'org_bench' }, { action: 'key.updated', target: `key_${n}`, before: { name: 'a' }, after: { name: `b${n}` } }, Date.now()));
        for (let i = 0; i < rows.length; i += 500) await store.db.insertInto('audit_events').values(rows.slice(i, i + 500)).execute();
        const cpu = process.cpuUsage();
        const t = performance.now();
        let linked = 0;
        while (linked < backlog) linked += (await linkPending(store, { signer })).linked;
        const used = process.cpuUsage(cpu);
        lines.push(`| ${name} | linking a backlog of ${backlog} alone | ${backlog} | ${((used.user + used.system) / backlog).toFixed(1)} | – | – | ${(performance.now() - t).toFixed(0)} ms wall |`);
      }
      lines.push(
        `| ${name} | ${chained ? 'chained (linker every 1 s, checkpoints signed)' : 'plain insert (no chain)'} | ${r.records} | ${r.cpuUsPerRecord.toFixed(1)} | ${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)} | ${r.maxUnlinkedMs === null ? '–' : r.maxUnlinkedMs.toFixed(0)} |${verified ? ` ${verified.slice(2)}` : ''}`,
      );
    } finally {
      await dispose();
    }
  }
  return lines;
}

async function sqlite() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-audit-bench-'));
  const store = openStore({ sqlitePath: join(dataDir, 'tollgate.db') });
  await store.migrate();
  return { store, dataDir, dispose: async () => { await store.close(); rmSync(dataDir, { recursive: true, force: true }); } };
}

async function postgres() {
  const name = `tollgate_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.toString() });
  await store.migrate();
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-audit-bench-'));
  return {
    store,
    dataDir,
    dispose: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const lines = ['| store | mode | records | CPU µs / record | write latency p50 / p99, ms | longest wait to be linked, ms | |', '|---|---|---|---|---|---|---|'];
lines.push(...(await measure('SQLite', sqlite)));
if (pgUrl) lines.push(...(await measure('PostgreSQL', postgres)));
console.log(`Audit log at ${rate} records/s for ${seconds} s, each record its own transaction\n\n${lines.join('\n')}`);
