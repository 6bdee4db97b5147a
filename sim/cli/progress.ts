/**
 * Progress on stderr, never on stdout (which carries data: --json):
 *
 *   a terminal   a bar redrawn in place, with runs done, elapsed time and
 *                an ETA, then the closing line in its place
 *   otherwise    (a pipe, a file, CI) only the closing line
 *   --quiet      nothing
 *
 * The bar's clock ticks once a second even while no run finishes (a long
 * single replication, or the first batch on the workers); its timer is
 * unref'd, so it never keeps the process alive.
 */
import { printable } from '../printable.js';

export interface Progress {
  /** After each finished run: (runs done, runs in total), and a note shown after the bar (e.g. the best objective so far). */
  update(done: number, total: number, note?: string): void;
  /** Replaces the bar with `message` (a terminal) or prints it (otherwise). */
  finish(message: string): void;
  /** Clears the bar and rethrows `error`, so an error message starts on a clean line: `promise.catch(progress.fail)`. */
  fail(error: unknown): never;
}

export interface ProgressOptions {
  quiet: boolean;
  /** Runs expected, so the bar shows from the start (before the first run ends). */
  total?: number;
  /** What is counted, after the counts: default `runs`. */
  unit?: string;
  /** Default process.stderr. */
  stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY' | 'columns'>;
}

/** `m:ss`, or `XhYYm` from an hour on; `--:--` when unknown. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** One frame of the bar, at most `columns` − 1 characters wide. */
export function progressLine(label: string, done: number, total: number, elapsedSeconds: number, etaSeconds: number, columns = 80, unit = 'runs', note = ''): string {
  // Done padded to the width of total, so the bar keeps its width as the count grows.
  const tail = ` ${String(done).padStart(String(total).length)}/${total} ${unit}  ${clock(elapsedSeconds)} elapsed  ETA ${clock(etaSeconds)}${note ? `  ${note}` : ''}`;
  const width = Math.max(10, Math.min(30, columns - 1 - label.length - tail.length - 3));
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`.slice(0, Math.max(1, columns - 1));
}

/**
 * Seconds left: the pace since the first update times the runs left. Timing
 * from the first update, not from the start, leaves out what came before
 * the first run ended (start-up, the JIT warming up, the runs a resumed
 * ensemble kept); until a second update there is only the pace from the start.
 */
export function etaSeconds(done: number, total: number, elapsed: number, first: { done: number; elapsed: number } | null): number {
  if (first && done > first.done) return ((elapsed - first.elapsed) / (done - first.done)) * (total - done);
  return done > 0 ? (elapsed / done) * (total - done) : NaN;
}

const REDRAW_MS = 100;
const TICK_MS = 1000;

export function createProgress(rawLabel: string, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  // Labels and closing lines name files, whose names may hold escape sequences or line breaks.
  const label = printable(rawLabel);
  const rethrow = (error: unknown): never => {
    throw error;
  };
  if (options.quiet) return { update() {}, finish() {}, fail: rethrow };
  if (!stream.isTTY) return { update() {}, finish: (message) => void stream.write(`${printable(message)}\n`), fail: rethrow };

  const began = performance.now();
  let done = 0;
  let total = options.total ?? 0;
  let first: { done: number; elapsed: number } | null = null;
  let lastDraw = -Infinity;
  let drawn = false;
  let note = '';
  const draw = () => {
    lastDraw = performance.now();
    drawn = true;
    const elapsed = (lastDraw - began) / 1000;
    stream.write(`\r\x1b[K${progressLine(label, done, total, elapsed, etaSeconds(done, total, elapsed, first), stream.columns || 80, options.unit, note)}`);
  };
  const clear = () => {
    clearInterval(timer);
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  const timer = setInterval(() => total > 0 && draw(), TICK_MS);
  timer.unref();
  if (total > 0) draw();
  return {
    update(d, n, text) {
      first ??= { done: d, elapsed: (performance.now() - began) / 1000 };
      note = text === undefined ? '' : printable(text, 60);
      done = d;
      total = n;
      if (d >= n || performance.now() - lastDraw >= REDRAW_MS) draw();
    },
    finish(message) {
      clear();
      stream.write(`${printable(message)}\n`);
    },
    fail(error) {
      clear();
      throw error;
    },
  };
}
