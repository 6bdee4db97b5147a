/**
 * The engine's WebAssembly kernel: the per-startup work of a month (births,
 * choices, steps 5–7, and the draws a `set` re-derives), over the startup
 * records in the world's memory. AssemblyScript, compiled once by
 * `npm run build:kernel` to sim/kernel/kernel.wasm; sim/model/kernel.ts
 * loads it, lays out its memory and lists what each export does, and the
 * model's modules (entry.ts, choice.ts, operate.ts, growth.ts, schedule.ts)
 * prepare each call and book what it reports. docs/model.md (section 13)
 * says which file holds each step.
 *
 * Why WebAssembly: V8 checks every typed-array access and spills registers
 * in loops this size; the choice and the step loop ran two to three times
 * slower in JavaScript over the same records. Every operation here is the
 * JavaScript engine's, in the same order, and exp, log and log1p are V8's
 * own algorithms (fdlibm.ts), so results are the bytes the JavaScript
 * engine gave, on any machine.
 */
export { init, setGroups } from './layout';
export { bear, regrow, reschedule } from './births';
export { assignInitial, chooseRound, priorities, strandedInRound, warmedRecords } from './choice';
export { dead, listed, operate } from './operate';
// For the tests that hold these to JavaScript's, bit for bit (test/model/kernel-math.test.ts).
export { exp, log, log1p } from './fdlibm';
export { nextMonth, normalQuantile, normalQuantile2xAt } from './random';
export { groupAt } from './layout';
export { exp2xAt } from './fdlibm';
