/**
 * Signals during a run (docs/security.md, "Bounded resources and
 * interruptions"). The first SIGINT (Ctrl-C), SIGTERM or SIGHUP stops the
 * run where it is: between replications, or in the aggregation and the
 * writing of the CSV files (which yield to the event loop between blocks
 * of the values file), the runs finished stay in `<out>.partial` and the
 * CLI says how to `--resume`; once the folder is sealed, the charts are
 * skipped and the CLI says how to draw them. It exits 128 + the signal's
 * number (130, 143, 129). A second signal exits at once; what was stored is
 * still safe, since a run counts as stored only once its record and then
 * its digest are written (sim/output/run-store.ts).
 */
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The exit code of a process stopped by `signal`, as shells report it: 128 + its number. */
export function exitCodeFor(signal: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return 128 + (number ?? 2);
}

export interface Interruption {
  /** Aborted by the first signal; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Restores the default handling. */
  dispose(): void;
}

/** Catches the stop signals until `dispose()`; `notice` is told of the first one. */
export function stopOnSignals(notice?: (signal: string) => void): Interruption {
  const controller = new AbortController();
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(exitCodeFor(name));
      controller.abort(name);
      notice?.(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    dispose() {
      // Once a signal has come, the process is on its way out: a second one must still exit at
      // once with 128 + its number, not fall to the default action, which kills without a code.
      if (controller.signal.aborted) return;
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
