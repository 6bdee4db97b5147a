/**
 * The size of V8's young generation on this process's threads. By default
 * each semi-space doubles, up to 16 MiB, whenever much of it survives a
 * collection; loading zod, yaml and mathjs alone takes it to two of 16 MiB,
 * kept for the life of the process. A program cannot set the maximum for
 * its own main thread once started, but V8 reads the growth factor each
 * time it would grow the space, so setting the factor to 1 before the
 * modules load keeps the space at its first size (threads started later
 * included). It does not grow back when the factor is restored: the
 * replications' garbage dies young, so their survival rate never asks.
 *
 * Measured on 2 loaded cores: `run bench-1m --runs 1 --no-charts` peaked at
 * 213 MB with the default and 181 MB with the space kept small, with the
 * same CPU time (5.5–6.5 s user either way). But 100 runs of bench-10k
 * took 561 scavenges instead of 119 and about twice the collector's time
 * (1.2 s against 0.64 s), so only a single replication asked for on the
 * command line keeps it small.
 */
import { setFlagsFromString } from 'node:v8';

/** From now on the young generation keeps its size. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * `shakeout run … --runs 1` (either spelling of the option): one replication,
 * whose peak memory matters more than the collector's time. Read from the
 * raw arguments, before the commands load. `args` without node and the script.
 */
export function asksOneReplication(args: readonly string[]): boolean {
  const command = args.find((a) => !a.startsWith('-'));
  if (command !== 'run') return false;
  const at = args.lastIndexOf('--runs');
  const given = args.findLast((a) => a.startsWith('--runs='));
  // The last occurrence wins, as with commander.
  const value = given !== undefined && args.lastIndexOf(given) > at ? given.slice('--runs='.length) : at >= 0 ? args[at + 1] : undefined;
  return value === '1';
}
