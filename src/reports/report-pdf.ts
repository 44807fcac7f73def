import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { ComplianceReport, SectionStatus } from './compliance-report.ts';

// DejaVu ships inside the dejavu-fonts-ttf package (nothing downloaded); it covers names in most scripts.
const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const STATUS_TEXT: Record<SectionStatus, string> = { ok: 'OK', attention: 'Needs attention', not_available: 'No data' };

/** The report as a PDF document (pdfkit), returned as a stream to pipe to a file or a response. */
export function reportPdf(r: ComplianceReport): PDFKit.PDFDocument {
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Compliance report: ${r.org.name}`, Creator: 'Tollgate' } });
  pdf.registerFont('text', join(fontDir, 'DejaVuSans.ttf'));
  pdf.registerFont('bold', join(fontDir, 'DejaVuSans-Bold.ttf'));
  pdf.font('bold').fontSize(18).text(`Compliance report: ${r.org.name}`);
  pdf.font('text').fontSize(9).fillColor('#555555').text(`Period ${r.period.from} to ${r.period.to} · generated ${r.generated_at} · ${r.org.id}`);
  pdf.text(`${r.summary.ok} sections OK, ${r.summary.attention} need attention, ${r.summary.not_available} without data.`);
  for (const s of r.sections) {
    pdf.moveDown();
    pdf.font('bold').fontSize(13).fillColor('#000000').text(`${s.title} (${STATUS_TEXT[s.status]})`);
    pdf.font('text').fontSize(9.5).fillColor('#222222');
    for (const [k, v] of Object.entries(s.facts)) pdf.text(`${k.replaceAll('_', ' ')}: ${v === null ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
    for (const [heading, items] of [['Findings', s.findings], ['Recommendations', s.recommendations]] as const) {
      pdf.moveDown(0.4).font('bold').fontSize(10.5).text(heading);
      pdf.font('text').fontSize(9.5);
      if (items.length === 0) pdf.text('None.');
      else pdf.list([...items], { bulletRadius: 1.5 });
    }
  }
  pdf.end();
  return pdf;
}
