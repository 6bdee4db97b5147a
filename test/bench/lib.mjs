// Shared pieces of the benchmarks (test/bench/README.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const cli = join(root, 'dist', 'sim', 'cli', 'main.js');
const preload = join(import.meta.dirname, 'peak-rss.mjs');

/**
 * Startup-months of one replication: Σ over months t of (startups alive at
 * the end of t + startups that died during t), which is the number alive at
 * the start of t plus t's entrants: every startup the month's loops treat
 * as alive.
 */
export function startupMonths(values, metricNames, months) {
  const k = metricNames.length;
  const alive = metricNames.indexOf('startups.alive');
  const deaths = metricNames.indexOf('deaths');
  if (alive < 0 || deaths < 0) throw new Error('startups.alive or deaths is not a metric any more: update test/bench/lib.mjs');
  let sum = 0;
  for (let t = 0; t < months; t++) sum += values[t * k + alive] + values[t * k + deaths];
  return sum;
}

/** Startup-months of every run in a result folder's run store (runs/values.f64, little-endian). */
export function folderStartupMonths(dir) {
  const index = JSON.parse(readFileSync(join(dir, 'runs', 'index.json'), 'utf8'));
  const bytes = readFileSync(join(dir, 'runs', 'values.f64'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = index.months * index.metrics.length;
  const record = new Float64Array(length);
  let sum = 0;
  for (let r = 0; r < index.runs; r++) {
    for (let i = 0; i < length; i++) record[i] = view.getFloat64((r * length + i) * 8, true);
    sum += startupMonths(record, index.metrics, index.months);
  }
  return sum;
}

/**
 * Bytes of per-startup state: the size of one record of the startup table
 * (sim/model/startups.ts), with the breakdown by slot, read from the
 * compiled engine so the figure follows its layout.
 */
export async function bytesPerStartup() {
  const { RECORD_BYTES, startupFields } = await import('../../dist/sim/model/startups.js');
  const fields = Object.fromEntries(startupFields.map(({ name, bytes }) => [name, bytes]));
  return { bytes: RECORD_BYTES, fields };
}

/** Busy and total CPU ticks of the whole machine (Linux /proc/stat), or null elsewhere. */
function machineTicks() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3] + (n[4] ?? 0);
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * Runs `node <args>` in a fresh process with peak-rss.mjs preloaded.
 * Returns its wall time (s, from spawn to exit, Node's start-up included),
 * peak RSS (MiB) and CPU seconds of that process (worker threads included:
 * they are threads of it), stdout, and the load of everything else on the
 * machine meanwhile (cores kept busy by other processes; null where
 * unknown), which is what makes shared machines noisy. Peak RSS and CPU
 * are null if the process left no usage record (it ended without Node's
 * exit event). `cwd` defaults to the project root.
 */
export function measure(args, { timeoutSeconds = 1200, cwd = root } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'shakeout-bench-usage-'));
  const usageFile = join(scratch, 'usage.json');
  try {
    const before = machineTicks();
    const began = performance.now();
    const r = spawnSync(process.execPath, ['--import', preload, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, SHAKEOUT_BENCH_USAGE: usageFile },
      maxBuffer: 64 << 20,
      timeout: timeoutSeconds * 1000,
    });
    const wallSeconds = (performance.now() - began) / 1000;
    const after = machineTicks();
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
    const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : null;
    const cpuSeconds = usage ? usage.userCpuSeconds + usage.systemCpuSeconds : null;
    let otherLoadCores = null;
    if (before && after && after.total > before.total && cpuSeconds !== null) {
      const busyCores = ((after.busy - before.busy) / (after.total - before.total)) * cpus().length;
      otherLoadCores = Math.max(0, busyCores - cpuSeconds / wallSeconds);
    }
    return { wallSeconds, peakRssMiB: usage ? usage.maxRSSKiB / 1024 : null, cpuSeconds, otherLoadCores, stdout: r.stdout };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const round = (x, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);
