/**
 * SVG → PDF, vector: pdfkit draws the SVG through svg-to-pdfkit, with the
 * shipped DejaVu Sans embedded as subsets, so the PDF prints the same text
 * everywhere. One page, exactly the chart's size in points. The creation
 * date is fixed at the Unix epoch (as reproducible builds do with
 * SOURCE_DATE_EPOCH): pdfkit hashes it into the file id, and the same
 * chart must give the same bytes.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { faceOf, fontFile, type FontFace } from '../fonts.js';

const FACES: readonly FontFace[] = ['regular', 'bold', 'italic', 'boldItalic'];

/** The PDF of `svg`, a chart `width` × `height` points; `title` goes in the document info. */
export function renderPdf(svg: string, width: number, height: number, title: string): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    autoFirstPage: true,
    compress: true,
    info: { Title: title, Creator: 'shakeout', CreationDate: new Date(0) },
  });
  for (const face of FACES) doc.registerFont(`DejaVuSans-${face}`, fontFile(face));
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  // With assumePt, user units are points; a root size in `pt` would be converted once more.
  const unitless = svg.replace(/^(<svg[^>]*?\s)width="([\d.]+)pt" height="([\d.]+)pt"/, '$1width="$2" height="$3"');
  SVGtoPDF(doc, unitless, 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family, bold, italic) => `DejaVuSans-${faceOf(bold ? 'bold' : 'normal', italic ? 'italic' : 'normal')}`,
  });
  doc.end();
  return done;
}
