// Preloaded into every benchmark child process (`node --import ./test/bench/peak-rss.mjs …`):
// at exit, writes the process's resource usage to the file named by
// SHAKEOUT_BENCH_USAGE. maxRSS is the peak resident set of the whole process,
// worker threads included, in KiB.
import { writeFileSync } from 'node:fs';

const file = process.env.SHAKEOUT_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSSKiB: u.maxRSS, userCpuSeconds: u.userCPUTime / 1e6, systemCpuSeconds: u.systemCPUTime / 1e6 }));
  });
}
