/**
 * Spec → SVG, headless: vega-lite compiles the spec to vega, a vega View
 * with no renderer lays it out and serialises it. Text is measured with the
 * shipped font (fonts.ts), so labels are truncated and legends spaced as
 * they will print, and the output does not depend on the machine.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { faceOf, textWidth } from '../fonts.js';

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  fontStyle?: string;
}

/** vega-scenegraph's text measurer, which vega's typings do not declare. */
interface TextMetrics {
  width: (item: TextItem, text: string | number) => number;
}

let measuring = false;

/** Routes vega's text measurement to the shipped font (once per process). */
function measureWithShippedFont(): void {
  if (measuring) return;
  const metrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  metrics.width = (item, text) => textWidth(String(text ?? ''), item.fontSize ?? 11, faceOf(item.fontWeight, item.fontStyle));
  measuring = true;
}

/** A vega logger that keeps warnings and errors instead of printing them. */
function collectingLogger(warnings: string[], errors: string[]) {
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = {
    level: (_?: number) => (_ === undefined ? vega.Warn : logger),
    error: (...args: unknown[]) => (errors.push(text(args)), logger),
    warn: (...args: unknown[]) => (warnings.push(text(args)), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

export interface CompiledSpec {
  vega: vega.Spec;
  /** vega-lite's warnings (a channel dropped, a property ignored): none is expected of shakeout's charts. */
  warnings: string[];
}

/** A vega-lite spec compiled to a vega spec, with vega-lite's warnings; throws on an invalid spec. */
export function toVega(spec: TopLevelSpec): CompiledSpec {
  const warnings: string[] = [];
  const errors: string[] = [];
  const compiled = compile(spec, { logger: collectingLogger(warnings, errors) }).spec;
  if (errors.length) throw new Error(`vega-lite: ${errors.join('; ')}`);
  return { vega: compiled, warnings };
}

export interface RenderedSvg {
  svg: string;
  /** Warnings of vega-lite and vega. */
  warnings: string[];
  /** Chart size in points. */
  width: number;
  height: number;
}

/**
 * The chart as SVG whose width and height are in points (`252pt`), so that
 * it prints at its intended size; the view box keeps vega's units.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  measureWithShippedFont();
  const { vega: compiled, warnings } = toVega(spec);
  const errors: string[] = [];
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: collectingLogger(warnings, errors) });
  try {
    // Vega numbers clip paths and gradients per process; restart them so a chart's bytes do not depend on what was drawn before.
    vega.resetSVGDefIds();
    const raw = await view.toSVG();
    // The view logs dataflow errors rather than throwing them.
    if (errors.length) throw new Error(`vega: ${errors.join('; ')}`);
    const m = /^<svg[^>]*?\swidth="([\d.]+)" height="([\d.]+)"/.exec(raw);
    if (!m) throw new Error('vega produced an SVG without width and height');
    const width = Number(m[1]);
    const height = Number(m[2]);
    const svg = raw.replace(/^(<svg[^>]*?\s)width="[\d.]+" height="[\d.]+"/, `$1width="${width}pt" height="${height}pt"`);
    return { svg: svg.endsWith('\n') ? svg : svg + '\n', warnings, width, height };
  } finally {
    view.finalize();
  }
}
