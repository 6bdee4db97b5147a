/**
 * The kernel's exp, log and log1p (sim/kernel/fdlibm.ts), its normal
 * quantile and its geometric month count (sim/kernel/random.ts) against
 * JavaScript's, bit for bit: the draws moved into the kernel must give the
 * doubles the JavaScript engine gave, so results do not change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelModule } from '../../sim/model/kernel.js';
import { normalQuantile } from '../../sim/rng/distributions.js';

interface MathExports {
  exp(x: number): number;
  log(x: number): number;
  log1p(x: number): number;
  normalQuantile(u: number): number;
  nextMonth(from: number, p: number, logStay: number, u: number): number;
  exp2xAt(at: number): void;
  normalQuantile2xAt(at: number): void;
}

const memory = new WebAssembly.Memory({ initial: 1 });
const kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as MathExports;

/** A two-lane function of the kernel (exp2x, normalQuantile2x) of a and b. */
function twoLanes(f: (at: number) => void, a: number, b: number): [number, number] {
  const pair = new Float64Array(memory.buffer, 0, 2);
  pair[0] = a;
  pair[1] = b;
  f(0);
  return [pair[0], pair[1]];
}
const exp2x = (a: number, b: number) => twoLanes(kernel.exp2xAt, a, b);

/** Any double, from its 64 bits: NaNs, infinities, subnormals and zeros of both signs included. */
const anyDouble = fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)).map(([hi, lo]) => new Float64Array(Uint32Array.of(lo, hi).buffer)[0]);

/** The arguments the model gives: utilities' differences, log-normal exponents, probabilities. */
const modelRange = fc.oneof(fc.double({ min: -750, max: 710, noNaN: true }), fc.double({ min: -50, max: 0, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }));

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('the kernel’s elementary functions are JavaScript’s, to the bit', () => {
  for (const name of ['exp', 'log', 'log1p'] as const) {
    it(`${name} on any double and on the model's ranges`, () => {
      const js = Math[name];
      fc.assert(fc.property(fc.oneof(anyDouble, modelRange), (x) => sameBits(kernel[name](x), js(x))), { numRuns: 20000 });
      // The boundaries of fdlibm's cases, and a dense sweep of the range the choice uses.
      const special = [0, -0, 1, -1, 0.5 * Math.LN2, 1.5 * Math.LN2, 709.782712893384, -745.1332191019411, -708.4, 2 ** -28, 2 ** -29, 2 ** -54, 1e-300, 5e-324, Infinity, -Infinity, NaN];
      for (const x of special) expect(sameBits(kernel[name](x), js(x)), `${name}(${x})`).toBe(true);
      let mismatches = 0;
      for (let k = 0; k < 200000; k++) {
        const x = -40 + k * 2.0000000001e-4;
        if (!sameBits(kernel[name](x), js(x))) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }

  it('exp of two lanes at once gives each lane’s exp, in its main range and out of it', () => {
    // Around the boundaries of fdlibm's cases, where the two-lane pass either must agree with the scalar cases or fall back.
    const edges = [0.5 * Math.LN2, 1.5 * Math.LN2, 2 ** -28, -708.4, -707.7, -745.1332191019411, 709.436, 709.782712893384, 1, -1, 0];
    const nearEdge = fc.tuple(fc.constantFrom(...edges), fc.double({ min: -1e-9, max: 1e-9, noNaN: true })).map(([x, e]) => x * (1 + e));
    const lane = fc.oneof(anyDouble, modelRange, nearEdge);
    fc.assert(
      fc.property(lane, lane, (a, b) => {
        const [x, y] = exp2x(a, b);
        return sameBits(x, Math.exp(a)) && sameBits(y, Math.exp(b));
      }),
      { numRuns: 50000 },
    );
    let mismatches = 0;
    for (let k = 0; k < 100000; k++) {
      const a = -30 + k * 3.00000001e-4;
      const [x, y] = exp2x(a, -a / 7);
      if (!sameBits(x, Math.exp(a)) || !sameBits(y, Math.exp(-a / 7))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('normalQuantile is sim/rng/distributions.ts’s, tails and centre', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (u) => sameBits(kernel.normalQuantile(u), normalQuantile(u))), { numRuns: 20000 });
    for (const u of [0, 5e-324, 0.02425, 0.97575, 0.5, 1 - 2 ** -53]) expect(sameBits(kernel.normalQuantile(u), normalQuantile(u))).toBe(true);
  });

  it('normalQuantile of two lanes at once gives each lane’s, central and tails', () => {
    const u = fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(0, 0.02425, 0.97575, 0.5, 1 - 2 ** -53));
    fc.assert(
      fc.property(u, u, (a, b) => {
        const [x, y] = twoLanes(kernel.normalQuantile2xAt, a, b);
        return sameBits(x, normalQuantile(a)) && sameBits(y, normalQuantile(b));
      }),
      { numRuns: 50000 },
    );
  });

  it('nextMonth is the first month ≥ from of a p-coin, floor(log(1 − u) / log(1 − p)) months on, clamped to 32767', () => {
    const transcription = (from: number, p: number, u: number) => {
      if (p >= 1) return Math.min(from, 32767);
      if (!(p > 0)) return 32767;
      const t = from + Math.floor(Math.log1p(-u) / Math.log1p(-p));
      return t < 32767 ? t : 32767;
    };
    fc.assert(
      fc.property(fc.nat(1200), fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 1e-12, 0.5)), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (from, p, u) =>
        kernel.nextMonth(from, p, Math.log1p(-p), u) === transcription(from, p, u),
      ),
      { numRuns: 20000 },
    );
  });
});
