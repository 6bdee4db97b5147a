// The aggregation alone, on a finished result folder (or any folder with a runs/ store):
//   node test/bench/aggregate.mjs <folder>
// Prints the seconds to read every slab, the seconds of the whole aggregation
// (slabs, sorting, statistics) and the bytes read from runs/values.f64. Uses dist/.
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const { openRunStore } = await import(join(root, 'dist', 'sim', 'output', 'run-store.js'));
const { aggregate } = await import(join(root, 'dist', 'sim', 'ensemble', 'aggregate.js'));

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node test/bench/aggregate.mjs <folder with runs/>\n');
  process.exit(2);
}
let store = openRunStore(dir);
let began = performance.now();
for await (const _ of store.slabs());
const slabsSeconds = (performance.now() - began) / 1000;
const fileBytes = store.bytesRead;
store = openRunStore(dir);
began = performance.now();
let rows = 0;
for await (const _ of aggregate(store)) rows++;
const aggregateSeconds = (performance.now() - began) / 1000;
console.log(JSON.stringify({ runs: store.shape.runs, rows, valuesBytes: fileBytes, bytesRead: store.bytesRead, slabsSeconds, aggregateSeconds }));
