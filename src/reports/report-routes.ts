import { z } from 'zod';
import { accessOf, changeContextOf, recordChange, visibility } from '../access/index.ts';
import { fail } from '../errors/index.ts';
import { defineRoute, type AnyRoute } from '../http/index.ts';
import type { Store } from '../state/index.ts';
import { buildComplianceReport } from './compliance-report.ts';
import { reportHtml } from './report-html.ts';
import { reportPdf } from './report-pdf.ts';
import type { ReportSources } from './report-sources.ts';

const DAY = 86_400_000;
/** The longest period one report covers (its figures are read in one pass). */
export const MAX_REPORT_DAYS = 400;

const time = z.iso.datetime({ offset: true }).describe('ISO 8601 time with offset');

export const ComplianceReportQuery = z.strictObject({
  from: time.optional().describe('Start of the period (inclusive); default 30 days before `to`'),
  to: time.optional().describe('End of the period (exclusive); default now'),
  format: z.enum(['json', 'html', 'pdf']).default('json'),
});

const Fact = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Status = z.enum(['ok', 'attention', 'not_available']);
export const ComplianceReportSchema = z.strictObject({
  object: z.literal('compliance_report'),
  org: z.strictObject({ id: z.string(), name: z.string() }),
  period: z.strictObject({ from: z.string(), to: z.string() }),
  generated_at: z.string(),
  summary: z.strictObject({ ok: z.number(), attention: z.number(), not_available: z.number() }),
  sections: z.array(
    z.strictObject({
      id: z.enum(['access_review', 'audit_chain', 'retention', 'encryption', 'privacy_requests', 'guardrails', 'spend_and_budgets']),
      title: z.string(),
      status: Status,
      facts: z.record(z.string(), Fact),
      findings: z.array(z.string()),
      recommendations: z.array(z.string()),
    }),
  ),
});

/** The period a query asks for, checked: from before to, at most MAX_REPORT_DAYS long. */
export function reportPeriod(q: { from?: string | undefined; to?: string | undefined }, now: number): { from: number; to: number } {
  const to = q.to === undefined ? now : Date.parse(q.to);
  const from = q.from === undefined ? to - 30 * DAY : Date.parse(q.from);
  if (from >= to) throw fail('invalid_parameter', { param: 'from', reason: "'from' must be before 'to'" });
  if (to - from > MAX_REPORT_DAYS * DAY) throw fail('invalid_parameter', { param: 'from', reason: `a report covers at most ${MAX_REPORT_DAYS} days` });
  return { from, to };
}

/**
 * `GET /api/reports/compliance`: the caller's organization's compliance report as JSON, HTML or
 * PDF. It describes the whole organization (users, keys, the audit chain), so only an org-wide grant
 * of `reports.read` (owners, auditors) may take it; each report taken is itself in the audit log.
 */
export function complianceReportRoutes(deps: { store: Store; sources: ReportSources }): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/reports/compliance',
      permission: 'reports.read',
      summary: "Compliance report of your organization (access review, audit chain, retention, encryption, privacy requests, guardrails, spend against budgets) as JSON, HTML or PDF ('format'); owners and auditors.",
      query: ComplianceReportQuery,
      response: ComplianceReportSchema,
      produces: 'application/json, text/html, application/pdf',
      handler: async ({ query, req, reply }) => {
        const { actor } = accessOf(req);
        if (!visibility(actor, 'reports.read').all) {
          throw fail('permission_denied', { what: 'read the compliance report (it needs reports.read on the whole organization: owners and auditors)' });
        }
        const period = reportPeriod(query, Date.now());
        const report = await buildComplianceReport(deps.sources, { orgId: actor.orgId, ...period });
        await recordChange(deps.store, changeContextOf(req), {
          action: 'report.compliance_generated',
          target: actor.orgId,
          before: null,
          after: null,
          details: { from: report.period.from, to: report.period.to, format: query.format },
        }, Date.now());
        reply.header('cache-control', 'no-store');
        if (query.format === 'json') return report;
        const name = `compliance-report-${report.period.to.slice(0, 10)}`;
        if (query.format === 'html') return reply.type('text/html; charset=utf-8').header('content-disposition', `attachment; filename="${name}.html"`).send(reportHtml(report));
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(reportPdf(report));
      },
    }),
  ];
}
