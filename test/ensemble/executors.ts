import type { ReplicationExecutor } from '../../sim/ensemble/executor.js';

/** An executor whose every scenario runs `run`; counts the loads, releases and closes it sees. */
export function executorOf(concurrency: number, run: (r: number) => Promise<Float64Array>): ReplicationExecutor & { seen: { loads: number; releases: number; closes: number } } {
  const seen = { loads: 0, releases: 0, closes: 0 };
  return {
    concurrency,
    seen,
    load: () => {
      seen.loads++;
      return { run, release: async () => void seen.releases++ };
    },
    close: async () => void seen.closes++,
  };
}
