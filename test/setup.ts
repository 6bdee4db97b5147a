/**
 * fast-check's seed for every property in the suite: fixed, so that
 * `npm test` runs the same cases each time and a red CI run is a change's
 * doing, not a lucky draw. To explore new cases, run
 * `SHAKEOUT_FC_SEED=random npm test` (or a number, to replay a failure's
 * seed from its report) and keep what it finds as a plain test.
 */
import fc from 'fast-check';

const chosen = process.env.SHAKEOUT_FC_SEED;
const seed = chosen === 'random' ? Date.now() ^ (Math.random() * 2 ** 31) : chosen ? Number(chosen) : 20240709;
fc.configureGlobal({ seed });
