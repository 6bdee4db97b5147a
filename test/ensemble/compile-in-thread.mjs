// Compiles a scenario on a worker thread, as the pool's workers do, and
// says whether mathjs was loaded there. workerData: { dist, scenario,
// expressions? } (expressions absent: compile by parsing, the control).
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const { dist, scenario, expressions } = workerData;
const { compile } = await import(`${dist}/sim/model/compile.js`);
const { withCheckedExpressions } = await import(`${dist}/sim/scenario/expression.js`);
const compiled = expressions ? withCheckedExpressions(expressions, () => compile(scenario)) : compile(scenario);
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((m) => m.includes('mathjs'));
parentPort.postMessage({ months: compiled.months, mathjs: loaded.length > 0 });
