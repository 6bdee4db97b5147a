// Compiles a scenario on a worker thread, as the pool's workers do, and
// says whether mathjs and zod were loaded there. workerData: { dist,
// scenario, expressions?, alsoImport? } (expressions absent: compile by
// parsing, the control; alsoImport: a module of dist/ imported first, for
// the control of zod).
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const { dist, scenario, expressions, alsoImport } = workerData;
if (alsoImport) await import(`${dist}/${alsoImport}`);
const { compile } = await import(`${dist}/sim/model/compile.js`);
const { withCheckedExpressions } = await import(`${dist}/sim/scenario/expression.js`);
const compiled = expressions ? withCheckedExpressions(expressions, () => compile(scenario)) : compile(scenario);
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((m) => m.includes('mathjs'));
// zod is ESM, out of require's cache; its core module leaves this global when it loads.
const zod = '__zod_globalConfig' in globalThis;
parentPort.postMessage({ months: compiled.months, mathjs: loaded.length > 0, zod });
