// The compliance report (issue 13.6): GET /api/reports/compliance and `tollgate report compliance`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { reportHtml, type ComplianceReport } from '../../src/reports/index.ts';
import { createUser, signIn, withSession } from '../access/auth/support.ts';
import { expectError } from '../support/errors.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { createSqliteStore } from '../support/stores.ts';

const BIN = join(import.meta.dirname, '../../bin/tollgate.js');

function section(r: ComplianceReport, id: string) {
  const s = r.sections.find((x) => x.id === id);
  assert.ok(s, `section ${id}`);
  return s;
}

describe('compliance report', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
    // Some activity to report: a user without 2FA, a service key open to every address, one request.
    await createUser(gw, { email: 'rita@example.com', teamRole: 'member' });
    await gw.createKey({ name: 'ci-runner', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' });
    const client = new OpenAI({ apiKey: gw.adminKey, baseURL: `${gw.url}/v1` });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
  });
  after(async () => gw.close());

  test('an owner gets every section with facts, findings and recommendations; the report is audited', async () => {
    const res = await gw.call('/api/reports/compliance');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const r = (await res.json()) as ComplianceReport;
    assert.equal(r.object, 'compliance_report');
    assert.equal(r.org.id, gw.tg.home.org.id);
    assert.deepEqual(r.sections.map((s) => s.id), ['access_review', 'audit_chain', 'retention', 'encryption', 'privacy_requests', 'guardrails', 'spend_and_budgets']);
    assert.equal(Date.parse(r.period.to) - Date.parse(r.period.from), 30 * 86_400_000);

    const access = section(r, 'access_review');
    assert.equal(access.status, 'attention');
    assert.equal(access.facts.users_active, 2); // the owner and rita
    assert.equal(access.facts.two_factor_coverage_percent, 0);
    assert.equal(access.facts.service_keys_without_ip_allowlist, 1);
    assert.ok(access.findings.some((f) => f.includes('rita@example.com') && f.includes('no second factor')), access.findings.join('\n'));
    assert.ok(access.findings.some((f) => f.includes('ci-runner') && f.includes('any address')));
    assert.ok(access.findings.includes('The organization has a single owner.'));
    assert.ok(access.recommendations.some((x) => x.includes('Require two-factor authentication')));

    assert.equal(section(r, 'audit_chain').facts.intact, true);
    const spend = section(r, 'spend_and_budgets');
    assert.equal(spend.facts.requests, 1);
    assert.match(String(spend.facts.spend_usd), /^0\.0000\d+$/);
    assert.ok(spend.findings.some((f) => f.startsWith('No budget applies')));
    assert.deepEqual(section(r, 'privacy_requests').facts, { exports: 0, erasures: 0 });
    assert.equal(section(r, 'encryption').facts.encryption_at_rest, true); // SQLite: a key made in the data folder
    assert.ok(section(r, 'retention').findings.some((f) => f.startsWith('Conversations are kept until')));
    assert.equal(r.summary.ok + r.summary.attention + r.summary.not_available, 7);

    const audited = await gw.tg.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'report.compliance_generated').execute();
    assert.equal(audited.length, 1);
    assert.equal(JSON.parse(audited[0]!.details).format, 'json');
  });

  test('with a budget the "no budget" finding goes; the period is the one asked for', async () => {
    const budget = await gw.call('/api/budgets', { body: { name: 'tiny', scope: 'org', scope_id: gw.tg.home.org.id, period: 'monthly', limit_usd: '0.000001' } });
    assert.equal(budget.status, 201, await budget.clone().text());
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const r = (await (await gw.call(`/api/reports/compliance?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).json()) as ComplianceReport;
    assert.equal(r.period.from, from);
    const spend = section(r, 'spend_and_budgets');
    assert.equal(spend.facts.budgets, 1);
    assert.ok(!spend.findings.some((f) => f.startsWith('No budget applies')), spend.findings.join('\n'));
  });

  test('HTML and PDF: the same report for people, as a download', async () => {
    const html = await gw.call('/api/reports/compliance?format=html');
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html.headers.get('content-disposition') ?? '', /attachment; filename="compliance-report-\d{4}-\d{2}-\d{2}\.html"/);
    const page = await html.text();
    assert.match(page, /<h2>Access review <span/);
    assert.ok(page.includes('rita@example.com'));
    const pdf = await gw.call('/api/reports/compliance?format=pdf');
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.length > 2_000);
  });

  test('user-given text is escaped in the HTML', () => {
    const r: ComplianceReport = {
      object: 'compliance_report',
      org: { id: 'org_x', name: 'Acme <script>alert(1)</script>' },
      period: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' },
      generated_at: '2026-11-30T00:00:00.000Z',
      summary: { ok: 0, attention: 1, not_available: 0 },
      sections: [{ id: 'access_review', title: 'Access review', status: 'attention', facts: { a: '"quoted" & <b>' }, findings: ["key 'x' <img src=x onerror=alert(1)>"], recommendations: [] }],
    };
    const page = reportHtml(r);
    assert.ok(!page.includes('<script>') && !page.includes('<img') && !page.includes('<b>'));
    assert.ok(page.includes('Acme &#60;script&#62;'));
  });

  test('only org-wide readers (owners, auditors) get it; team admins and members are refused', async () => {
    for (const teamRole of ['admin', 'member'] as const) {
      const u = await createUser(gw, { teamRole });
      const s = await signIn(gw, u.email, u.password);
      await expectError(await withSession(gw, s, '/api/reports/compliance'), 403, 'permission_denied');
    }
    const auditor = await createUser(gw, { teamRole: null, orgRole: 'auditor' });
    const s = await signIn(gw, auditor.email, auditor.password);
    assert.equal((await withSession(gw, s, '/api/reports/compliance')).status, 200);
    await expectError(await gw.call('/api/reports/compliance', { key: null }), 401);
  });

  test('bad periods and formats are 400s naming the parameter', async () => {
    const now = Date.now();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    await expectError(await gw.call(`/api/reports/compliance?from=${iso(now)}&to=${iso(now - 1000)}`), 400, 'invalid_parameter', 'from');
    await expectError(await gw.call(`/api/reports/compliance?from=${iso(now - 401 * 86_400_000)}&to=${iso(now)}`), 400, 'invalid_parameter', 'from');
    await expectError(await gw.call('/api/reports/compliance?from=yesterday'), 400, undefined, 'from');
    await expectError(await gw.call('/api/reports/compliance?format=docx'), 400, undefined, 'format');
    await expectError(await gw.call('/api/reports/compliance?org=org_other'), 400, undefined, 'org');
  });
});

describe('tollgate report compliance', () => {
  test('prints the JSON report, writes PDF and HTML files, refuses bad flags', async () => {
    const store = await createSqliteStore();
    const gw = await startGateway({ store });
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-'));
    try {
      // Beside the running server, as an operator would run it.
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TOLLGATE_DATA_DIR: store.dataDir, TOLLGATE_LOG_LEVEL: 'silent' };
      const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'report', 'compliance', ...args], { env, encoding: 'utf8', timeout: 60_000 });
      const json = run([]);
      assert.equal(json.status, 0, json.stderr);
      const r = JSON.parse(json.stdout) as ComplianceReport;
      assert.equal(r.org.id, gw.tg.home.org.id);
      assert.equal(r.sections.length, 7);
      const pdfFile = join(dir, 'report.pdf');
      const pdf = run(['--format', 'pdf', '--out', pdfFile]);
      assert.equal(pdf.status, 0, pdf.stderr);
      assert.match(pdf.stderr, /compliance report of .* written to .*report\.pdf/);
      assert.equal(readFileSync(pdfFile).subarray(0, 5).toString('latin1'), '%PDF-');
      const htmlFile = join(dir, 'report.html');
      assert.equal(run(['--format', 'html', '--out', htmlFile]).status, 0);
      assert.match(readFileSync(htmlFile, 'utf8'), /^<!doctype html>/);
      for (const [args, message] of [
        [['--format', 'docx'], /--format must be json, html or pdf/],
        [['--format', 'pdf'], /--format pdf needs --out FILE/],
        [['--from', 'last week'], /--from 'last week' is not an ISO 8601 time/],
        [['--org', 'org_nobody'], /no organization 'org_nobody'/],
      ] as const) {
        const bad = run([...args]);
        assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
        assert.match(bad.stderr, message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await gw.close();
      await store.dispose();
    }
  });
});
