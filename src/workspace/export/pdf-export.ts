import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** Characters laid out between two yields to the event loop (about 10 ms of pdfkit's work). */
const SLICE_CHARS = 4_000;

/**
 * The branch as a PDF (pdfkit): the title, then each message with who wrote it; fenced code is
 * set in a monospaced font. Returns the document as a stream: the caller pipes it to the response,
 * so a long conversation is never held whole in memory. Laying out text is CPU work (seconds for
 * thousands of long messages), so the document is written in slices with a yield to the event loop
 * between them: other requests, the gateway's included, are not held up.
 */
export function toPdf(doc: BranchDocument): PDFKit.PDFDocument {
  const pdf = new PDFDocument({ size: 'A4', margin: 56, info: { Title: doc.conversation.title, Creator: 'Tollgate' } });
  pdf.registerFont('text', FONTS.text);
  pdf.registerFont('bold', FONTS.bold);
  pdf.registerFont('mono', FONTS.mono);
  pdf.font('bold').fontSize(18).text(doc.conversation.title);
  pdf.font('text').fontSize(9).fillColor('#555555').text(`Model: ${doc.conversation.model} · exported ${new Date().toISOString()}`);
  pdf.moveDown();
  void writeMessages(pdf, doc).catch((err: unknown) => pdf.destroy(err as Error));
  return pdf;
}

async function writeMessages(pdf: PDFKit.PDFDocument, doc: BranchDocument): Promise<void> {
  let since = 0;
  for (const m of doc.messages) {
    pdf.font('bold').fontSize(11).fillColor('#000000').text(headingOf(m));
    pdf.moveDown(0.3);
    for (const [mono, text] of blocksOf(m.content.length > 0 ? m.content : statusNote(m))) {
      for (let at = 0; at < text.length; ) {
        const end = sliceEnd(text, at);
        const slice = text.slice(at, end);
        at = end;
        if (mono) pdf.font('mono').fontSize(9).fillColor('#222222');
        else pdf.font('text').fontSize(10.5).fillColor('#000000');
        pdf.text(slice, { continued: at < text.length });
        since += slice.length;
        if (since >= SLICE_CHARS) {
          since = 0;
          await nextTurn();
        }
      }
      pdf.moveDown(0.3);
    }
    pdf.moveDown();
  }
  pdf.end();
}

/** Where the slice starting at `at` ends: after the last space or line break within SLICE_CHARS, so no word is cut. */
function sliceEnd(text: string, at: number): number {
  const limit = at + SLICE_CHARS;
  if (limit >= text.length) return text.length;
  const space = Math.max(text.lastIndexOf(' ', limit), text.lastIndexOf('\n', limit));
  return space > at ? space + 1 : limit;
}

/** Text and fenced code blocks (```), in order: [monospaced?, text]. */
function blocksOf(content: string): [boolean, string][] {
  return content
    .split(/^```[^\n]*$/m)
    .map((part, i): [boolean, string] => [i % 2 === 1, part.replace(/^\n+|\n+$/g, '')])
    .filter(([, text]) => text.length > 0);
}
