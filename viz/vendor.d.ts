/** Minimal typings for the untyped packages the renderers use. */

declare module 'svg-to-pdfkit' {
  interface SvgToPdfOptions {
    /** Viewport in PDF points. */
    width?: number;
    height?: number;
    preserveAspectRatio?: string;
    /** Treat SVG user units as PDF points (1/72 in) rather than CSS pixels (1/96 in). */
    assumePt?: boolean;
    /** Returns the name of a font registered in the document. */
    fontCallback?: (family: string, bold: boolean, italic: boolean) => string;
    warningCallback?: (message: string) => void;
    precision?: number;
  }
  function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x: number, y: number, options?: SvgToPdfOptions): void;
  export default SVGtoPDF;
}

declare module 'fontkit' {
  interface GlyphRun {
    /** Font units. */
    advanceWidth: number;
  }
  interface Font {
    unitsPerEm: number;
    layout(text: string): GlyphRun;
  }
  export function openSync(path: string): Font;
}
