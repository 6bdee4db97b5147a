/**
 * Progress on stderr: a redrawn bar with an ETA when stderr is a terminal,
 * one closing line otherwise, nothing with --quiet. Never on stdout, which
 * carries data (--json).
 */
export interface Progress {
  update(done: number, total: number): void;
  finish(message: string): void;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function createProgress(label: string, options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  const began = performance.now();
  if (options.quiet) return { update() {}, finish() {} };
  if (!stream.isTTY) return { update() {}, finish: (message) => stream.write(`${message}\n`) };
  let lastDraw = 0;
  return {
    update(done, total) {
      const now = performance.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const elapsed = (now - began) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : Infinity;
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} runs, ETA ${clock(eta)} `);
    },
    finish(message) {
      stream.write(`\r\x1b[K${message}\n`);
    },
  };
}
