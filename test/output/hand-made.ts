import type { ReplicationExecutor } from '../../sim/ensemble/ensemble.js';
import { executorOf } from '../ensemble/executors.js';
import { handCompiled } from '../ensemble/fixtures.js';

/** Metrics of the hand-made world: key metrics, a per-provider one, a flow. */
export const HAND_METRICS = [
  'hhi.tokens',
  'hhi.customers',
  'providers.active',
  'startups.alive',
  'cohort.dead.fraction',
  'cohort.dead.small.fraction',
  'cohort.dead.small.on.a.fraction',
  'price.paid',
  'deaths',
];

/** Value of metric `name` at month t in run r: simple closed forms, chosen to exercise formatting. */
function handValue(name: string, t: number, r: number): number {
  switch (name) {
    case 'hhi.tokens':
      return 2000 + 100 * t + 37 * r;
    case 'hhi.customers':
      return 1500 + 50 * t - 10 * r;
    case 'providers.active':
      return t < 10 ? 5 : r % 2 ? 3 : 4;
    case 'startups.alive':
      return 100 - t - r;
    case 'cohort.dead.fraction':
    case 'cohort.dead.small.fraction':
      return 1 - Math.pow(0.99, t + 1) * (1 - 0.01 * r);
    case 'cohort.dead.small.on.a.fraction':
      return Math.min(1, 0.03 * (t + 1) + 0.01 * r);
    case 'price.paid':
      return t === 0 ? -0 : t / 3; // −0 must be written 0
    case 'deaths':
      return r === 0 && t === 3 ? 1e-7 : (t * r) % 3;
    default:
      return NaN;
  }
}

/** A hand-made world of 26 months (t12 and t24 inside) with two expectations, one failing. */
export function handWorld(expect: object[] = defaultExpect) {
  return handCompiled(HAND_METRICS, 26, { expect: expect as never });
}

const defaultExpect = [
  { name: 'concentration', metric: 'hhi.tokens', at: 'end', op: '>=', value: 4550, probability: 0.5 },
  { name: 'bloodbath', metric: 'cohort.dead.small.fraction', at: '2025-06', op: '>=', value: 0.13, probability: 0.8 },
];

/** Replications of the hand-made world; counts the calls. */
export function handExecutor(months = 26): ReplicationExecutor & { calls: number; run: (r: number) => Promise<Float64Array> } {
  const run = async (r: number) => {
    ex.calls++;
    const out = new Float64Array(months * HAND_METRICS.length);
    for (let t = 0; t < months; t++) HAND_METRICS.forEach((name, m) => (out[t * HAND_METRICS.length + m] = handValue(name, t, r)));
    return out;
  };
  const ex = Object.assign(executorOf(1, (r) => run(r)), { calls: 0, run });
  return ex;
}
