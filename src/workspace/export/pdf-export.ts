import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { BranchDocument } from './conversation-export.ts';
import { headingOf, statusNote } from './conversation-export.ts';

// DejaVu fonts ship inside the `dejavu-fonts-ttf` package (nothing is downloaded): they cover Latin,
// Greek, Cyrillic and many symbols, where PDF's built-in fonts cover only Western European text.
const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = {
  text: join(fontDir, 'DejaVuSans.ttf'),
  bold: join(fontDir, 'DejaVuSans-Bold.ttf'),
  mono: join(fontDir, 'DejaVuSansMono.ttf'),
};

/**
 * The branch as a PDF (pdfkit): the title, then each message with who wrote it; fenced code is
 * set in a monospaced font. Returns the document as a stream: the caller pipes it to the response,
 * so a long conversation is never held whole in memory.
 */
export function toPdf(doc: BranchDocument): PDFKit.PDFDocument {
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: doc.conversation.title, Creator: 'Tollgate' } });
  pdf.registerFont('text', FONTS.text);
  pdf.registerFont('bold', FONTS.bold);
  pdf.registerFont('mono', FONTS.mono);
  pdf.font('bold').fontSize(18).text(doc.conversation.title);
  pdf.font('text').fontSize(9).fillColor('#555555').text(`Model: ${doc.conversation.model} · exported ${new Date().toISOString()}`);
  pdf.moveDown();
  for (const m of doc.messages) {
    pdf.font('bold').fontSize(11).fillColor('#000000').text(headingOf(m));
    pdf.moveDown(0.3);
    writeContent(pdf, m.content.length > 0 ? m.content : statusNote(m));
    pdf.moveDown();
  }
  pdf.end();
  return pdf;
}

/** Text in the body font; blocks between ``` fences in the monospaced font. */
function writeContent(pdf: PDFKit.PDFDocument, content: string): void {
  const parts = content.split(/^```[^\n]*$/m);
  parts.forEach((part, i) => {
    const text = part.replace(/^\n+|\n+$/g, '');
    if (text.length === 0) return;
    if (i % 2 === 1) pdf.font('mono').fontSize(9).fillColor('#222222').text(text);
    else pdf.font('text').fontSize(10.5).fillColor('#000000').text(text);
    pdf.moveDown(0.3);
  });
}
