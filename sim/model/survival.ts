/**
 * Survival (MODEL.md section 3, step 6): a startup with negative cash is
 * rescued with the class's funding probability or dies (`runway`); every
 * alive startup then faces the class hazard (`hazard`).
 */
import { keyOf, Purpose, streamOf, uniform } from '../rng/keyed.js';
import { Cause, INITIAL_COHORT } from './startups.js';
import type { World } from './world.js';

/** Marks startup i dead of `cause` this month and updates the counters behind the death metrics. */
export function die(world: World, i: number, cause: number): void {
  const st = world.startups;
  st.alive[i] = 0;
  st.cause[i] = cause;
  world.alive--;
  world.totals.deaths++;
  const m = world.month;
  if (cause === Cause.runway) m.deathsRunway++;
  else if (cause === Cause.hazard) m.deathsHazard++;
  else m.deathsStranded++;
  if (st.born[i] !== INITIAL_COHORT) return; // entrants are not in the t = 0 cohort
  const j0 = st.initialProvider[i];
  const c = world.cohort;
  const s = st.cls[i];
  c.deadTotal++;
  c.deadByClass[s]++;
  if (j0 >= 0) c.deadByClassOn[s * world.providerCount + j0]++;
}

export function survive(world: World): void {
  const st = world.startups;
  const cl = world.classes;
  const rescue = streamOf(world.key, Purpose.rescue, world.t);
  const hazard = streamOf(world.key, Purpose.hazard, world.t);
  for (let i = 0; i < st.count; i++) {
    if (!st.alive[i]) continue;
    const s = st.cls[i];
    if (st.cash[i] < 0) {
      if (uniform(keyOf(rescue, i), 0) < cl.fundingProbability[s]) {
        // A rescue that does not cover the hole leaves the startup to be tested again next month.
        st.cash[i] += cl.fundingMonths[s] * st.opex[i];
      } else {
        die(world, i, Cause.runway);
        continue;
      }
    }
    if (uniform(keyOf(hazard, i), 0) < cl.hazard[s]) die(world, i, Cause.hazard);
  }
}
