/**
 * Keyed counter-based random numbers (MODEL.md section 10) and the
 * distributions built on them. Statistical checks use 4 standard errors, so
 * with the fixed seeds below they are deterministic, and a real defect (a
 * bias of a few SE or more) fails them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drawKey, keyOf, Purpose, replicationKey, streamOf, uniform, uniformAt } from '../../sim/rng/keyed.js';
import { normalQuantile, poisson, poissonInverse, standardNormal } from '../../sim/rng/distributions.js';

const N = 100_000;

function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - mean) ** 2;
  return { mean, variance: ss / (xs.length - 1) };
}

function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a = meanVar(x);
  const b = meanVar(y);
  let c = 0;
  for (let i = 0; i < x.length; i++) c += (x[i] - a.mean) * (y[i] - b.mean);
  return c / (x.length - 1) / Math.sqrt(a.variance * b.variance);
}

/** Mean 1/2 and variance 1/12 within 4 SE; every value in [0, 1). */
function expectStandardUniform(xs: Float64Array, label: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] >= 0 && xs[i] < 1)) throw new Error(`${label}: draw ${i} = ${xs[i]} is outside [0, 1)`);
  }
  const { mean, variance } = meanVar(xs);
  const n = xs.length;
  // SE of the mean: sqrt(σ²/n), σ² = 1/12.
  const seMean = Math.sqrt(1 / 12 / n);
  // SE of the sample variance: sqrt((μ4 − σ⁴)/n), μ4 = 1/80 for U(0,1).
  const seVar = Math.sqrt((1 / 80 - 1 / 144) / n);
  expect(Math.abs(mean - 0.5), `${label}: mean ${mean}`).toBeLessThanOrEqual(4 * seMean);
  expect(Math.abs(variance - 1 / 12), `${label}: variance ${variance}`).toBeLessThanOrEqual(4 * seVar);
}

const root = replicationKey(20240709, 0);

describe('keyed uniforms', () => {
  it('sequential k of one key: in [0, 1), mean 1/2, variance 1/12', () => {
    const key = drawKey(root, Purpose.choice, 3, 17);
    const xs = new Float64Array(N);
    for (let k = 0; k < N; k++) xs[k] = uniform(key, k);
    expectStandardUniform(xs, 'sequential k');
  });

  it('sequential birth indices (k = 0): in [0, 1), mean 1/2, variance 1/12', () => {
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) xs[i] = uniformAt(root, Purpose.hazard, 5, i);
    expectStandardUniform(xs, 'sequential birth index');
  });

  it('sequential months and replications: in [0, 1), mean 1/2, variance 1/12', () => {
    const months = new Float64Array(N);
    for (let t = 0; t < N; t++) months[t] = uniformAt(root, Purpose.rescue, t, 42);
    expectStandardUniform(months, 'sequential month');
    const reps = new Float64Array(N);
    for (let r = 0; r < N; r++) reps[r] = uniformAt(replicationKey('crn', r), Purpose.reconsider, 0, 0);
    expectStandardUniform(reps, 'sequential replication');
  });

  it('every purpose code gives a standard uniform stream', () => {
    for (const purpose of Object.values(Purpose)) {
      const xs = new Float64Array(20_000);
      for (let i = 0; i < xs.length; i++) xs[i] = uniformAt(root, purpose, 1, i);
      expectStandardUniform(xs, `purpose ${purpose}`);
    }
  });

  it('adjacent k, adjacent birth indices, adjacent months and purposes are uncorrelated (|r| ≤ 4/√n)', () => {
    const n = N;
    const bound = 4 / Math.sqrt(n);
    const key = drawKey(root, Purpose.attributes, 0, 9);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      a[k] = uniform(key, k);
      b[k] = uniform(key, k + 1);
    }
    expect(Math.abs(correlation(a, b)), 'adjacent k').toBeLessThanOrEqual(bound);

    for (let i = 0; i < n; i++) {
      a[i] = uniformAt(root, Purpose.choice, 2, i);
      b[i] = uniformAt(root, Purpose.choice, 2, i + 1);
    }
    expect(Math.abs(correlation(a, b)), 'adjacent birth index').toBeLessThanOrEqual(bound);

    for (let i = 0; i < n; i++) {
      a[i] = uniformAt(root, Purpose.choice, 2, i);
      b[i] = uniformAt(root, Purpose.choice, 3, i);
    }
    expect(Math.abs(correlation(a, b)), 'adjacent month').toBeLessThanOrEqual(bound);

    for (let i = 0; i < n; i++) {
      a[i] = uniformAt(root, Purpose.rescue, 2, i);
      b[i] = uniformAt(root, Purpose.hazard, 2, i);
    }
    expect(Math.abs(correlation(a, b)), 'adjacent purpose').toBeLessThanOrEqual(bound);

    for (let i = 0; i < n; i++) {
      a[i] = uniformAt(replicationKey(7, 0), Purpose.hazard, 2, i);
      b[i] = uniformAt(replicationKey(7, 1), Purpose.hazard, 2, i);
    }
    expect(Math.abs(correlation(a, b)), 'adjacent replication').toBeLessThanOrEqual(bound);
  });

  it('the same key always gives the same value; uniformAt is uniform(drawKey(…), k) is uniform(keyOf(streamOf(…), i), k)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer()),
        fc.nat(10_000),
        fc.constantFrom(...Object.values(Purpose)),
        fc.nat(1200),
        fc.nat(10_000_000),
        fc.nat(1000),
        (seed, r, purpose, month, index, k) => {
          const u1 = uniformAt(replicationKey(seed, r), purpose, month, index, k);
          const u2 = uniformAt(replicationKey(seed, r), purpose, month, index, k);
          const key = drawKey(replicationKey(seed, r), purpose, month, index);
          expect(u1).toBe(u2);
          expect(uniform(key, k)).toBe(u1);
          expect(keyOf(streamOf(replicationKey(seed, r), purpose, month), index)).toBe(key);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no two startups share a stream: distinct birth indices give distinct keys within a (purpose, month)', () => {
    const stream = streamOf(root, Purpose.hazard, 3);
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(keyOf(stream, i));
    expect(seen.size).toBe(200_000);
  });

  it('a different seed string gives different values', () => {
    const a = replicationKey('china-2024', 0);
    const b = replicationKey('china-2025', 0);
    const c = replicationKey('China-2024', 0);
    let same = 0;
    for (let i = 0; i < 1000; i++) {
      const ua = uniformAt(a, Purpose.choice, 0, i);
      if (ua === uniformAt(b, Purpose.choice, 0, i)) same++;
      if (ua === uniformAt(c, Purpose.choice, 0, i)) same++;
    }
    // Two independent 53-bit uniforms coincide with probability 2^-53.
    expect(same).toBe(0);
    // Numbers work as seeds too, and differ from each other.
    expect(uniformAt(replicationKey(1, 0), Purpose.choice, 0, 0)).not.toBe(uniformAt(replicationKey(2, 0), Purpose.choice, 0, 0));
  });

  it('a different replication, purpose, month, index or k gives a different value', () => {
    const base = uniformAt(root, Purpose.choice, 4, 100, 2);
    expect(uniformAt(replicationKey(20240709, 1), Purpose.choice, 4, 100, 2)).not.toBe(base);
    expect(uniformAt(root, Purpose.reconsider, 4, 100, 2)).not.toBe(base);
    expect(uniformAt(root, Purpose.choice, 5, 100, 2)).not.toBe(base);
    expect(uniformAt(root, Purpose.choice, 4, 101, 2)).not.toBe(base);
    expect(uniformAt(root, Purpose.choice, 4, 100, 3)).not.toBe(base);
  });
});

describe('normalQuantile', () => {
  it('matches known quantiles to 1e-8', () => {
    expect(Math.abs(normalQuantile(0.975) - 1.959963985)).toBeLessThan(1e-8);
    expect(Math.abs(normalQuantile(0.5) - 0)).toBeLessThan(1e-8);
    expect(Math.abs(normalQuantile(0.001) - -3.090232306)).toBeLessThan(1e-8);
    // More reference values (Φ⁻¹ to 10 digits).
    expect(Math.abs(normalQuantile(0.025) - -1.959963985)).toBeLessThan(1e-8);
    expect(Math.abs(normalQuantile(0.999) - 3.090232306)).toBeLessThan(1e-8);
    expect(Math.abs(normalQuantile(0.8413447461) - 1)).toBeLessThan(1e-8);
    expect(Math.abs(normalQuantile(0.01) - -2.326347874)).toBeLessThan(1e-8);
    expect(Math.abs(normalQuantile(1e-6) - -4.753424309)).toBeLessThan(1e-8);
  });

  it('is increasing and antisymmetric, and finite at u = 0', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (u, v) => {
        if (u < v) expect(normalQuantile(u)).toBeLessThanOrEqual(normalQuantile(v));
        // Antisymmetry away from the extreme tails, where 1 − u itself loses digits.
        if (u >= 1e-6 && u <= 1 - 1e-6) expect(Math.abs(normalQuantile(u) + normalQuantile(1 - u))).toBeLessThan(1e-8);
      }),
      { numRuns: 500 },
    );
    expect(Number.isFinite(normalQuantile(0))).toBe(true);
  });

  it('standardNormal draws have mean 0 and variance 1 within 4 SE', () => {
    const key = drawKey(root, Purpose.attributes, 0, 1);
    const xs = new Float64Array(N);
    for (let k = 0; k < N; k++) xs[k] = standardNormal(key, k);
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean)).toBeLessThanOrEqual(4 * Math.sqrt(1 / N));
    // Var(s²) ≈ (μ4 − σ⁴)/n = (3 − 1)/n.
    expect(Math.abs(variance - 1)).toBeLessThanOrEqual(4 * Math.sqrt(2 / N));
  });
});

/** log P(X = k) for X ~ Poisson(λ), by summing logs (independent of the engine's Stirling series). */
function poissonLogPmf(lambda: number, k: number): number {
  let lf = 0;
  for (let i = 2; i <= k; i++) lf += Math.log(i);
  return -lambda + k * Math.log(lambda) - lf;
}

describe('poisson', () => {
  for (const lambda of [3, 250, 5000]) {
    it(`Poisson(${lambda}): mean and variance within 4 SE, P(X ≤ λ) within 4 SE`, () => {
      const xs = new Float64Array(N);
      let atMost = 0;
      for (let i = 0; i < N; i++) {
        const x = poisson(drawKey(root, Purpose.entryCount, i, 0), lambda);
        expect(Number.isInteger(x) && x >= 0).toBe(true);
        xs[i] = x;
        if (x <= lambda) atMost++;
      }
      const { mean, variance } = meanVar(xs);
      expect(Math.abs(mean - lambda), `mean ${mean}`).toBeLessThanOrEqual(4 * Math.sqrt(lambda / N));
      // Var(s²) ≈ (μ4 − σ⁴)/n with μ4 = λ(1 + 3λ): (λ + 2λ²)/n.
      expect(Math.abs(variance - lambda), `variance ${variance}`).toBeLessThanOrEqual(4 * Math.sqrt((lambda + 2 * lambda * lambda) / N));
      let cdf = 0;
      for (let k = 0; k <= lambda; k++) cdf += Math.exp(poissonLogPmf(lambda, k));
      const p = atMost / N;
      expect(Math.abs(p - cdf), `P(X ≤ ${lambda}) = ${p}, exact ${cdf}`).toBeLessThanOrEqual(4 * Math.sqrt((cdf * (1 - cdf)) / N));
    });
  }

  it('Poisson(3): the frequency of each k = 0…10 matches the pmf within 4 SE', () => {
    const counts = new Float64Array(11);
    for (let i = 0; i < N; i++) {
      const x = poisson(drawKey(root, Purpose.entryCount, 7, i), 3);
      if (x <= 10) counts[x]++;
    }
    for (let k = 0; k <= 10; k++) {
      const p = Math.exp(poissonLogPmf(3, k));
      expect(Math.abs(counts[k] / N - p), `P(X = ${k})`).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('is the inverse of the cdf: P(X ≤ n − 1) < u ≤ P(X ≤ n), the cdf summed independently', () => {
    for (const lambda of [0.5, 3, 15, 250, 2000]) {
      const cdf: number[] = [];
      let sum = 0;
      for (let k = 0; k <= lambda * 3 + 30; k++) cdf.push((sum += Math.exp(poissonLogPmf(lambda, k))));
      for (let i = 0; i < 400; i++) {
        const u = uniformAt(root, Purpose.entryCount, 1, i);
        const n = poissonInverse(u, lambda);
        // Away from the boundaries by more than rounding: the two sums differ in the last bits.
        if (Math.abs(u - cdf[n]) < 1e-9 || (n > 0 && Math.abs(u - cdf[n - 1]) < 1e-9)) continue;
        expect(u, `λ ${lambda}, u ${u}`).toBeLessThanOrEqual(cdf[n]);
        if (n > 0) expect(u, `λ ${lambda}, u ${u}`).toBeGreaterThan(cdf[n - 1]);
      }
    }
  });

  it('is monotone in the mean for one uniform (MODEL.md section 10), by at most a few for a small step', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0.01, max: 1e6, noNaN: true }), fc.double({ min: 1e-9, max: 0.05, noNaN: true }), (u, mean, step) => {
        const low = poissonInverse(u, mean);
        const high = poissonInverse(u, mean * (1 + step));
        expect(high).toBeGreaterThanOrEqual(low);
      }),
      { numRuns: 2000 },
    );
    // Means 15 and 15.5 from the same keys: the higher is the lower or one more, almost always.
    let same = 0;
    let oneMore = 0;
    for (let i = 0; i < N; i++) {
      const key = drawKey(root, Purpose.entryCount, i, 0);
      const d = poisson(key, 15.5) - poisson(key, 15);
      if (d === 0) same++;
      if (d === 1) oneMore++;
    }
    expect(same + oneMore).toBeGreaterThan(0.99 * N);
  });

  it('a mean of 0 (or less) gives 0', () => {
    const key = drawKey(root, Purpose.entryCount, 0, 0);
    expect(poisson(key, 0)).toBe(0);
    expect(poisson(key, -1)).toBe(0);
  });
});
