export { buildComplianceReport, type ComplianceReport, type ReportSection, type SectionStatus } from './compliance-report.ts';
export { complianceReportRoutes, reportPeriod, MAX_REPORT_DAYS } from './report-routes.ts';
export { reportHtml } from './report-html.ts';
export { reportPdf } from './report-pdf.ts';
export { reportSources, type ReportSources, type SourceServices } from './report-sources.ts';
