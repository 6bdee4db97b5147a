/**
 * Death (MODEL.md section 3, steps 4 and 6): the bookkeeping behind the
 * death and cohort metrics. The survival draws themselves are in operate.ts.
 */
import { Cause, I16, Stride, U8 } from './startups.js';
import type { World } from './world.js';

/** Marks startup i dead of `cause` this month and updates the counters behind the death metrics. */
export function die(world: World, i: number, cause: number): void {
  const st = world.startups;
  st.u8[i * Stride.u8 + U8.alive] = 0;
  world.alive--;
  const cls = st.u8[i * Stride.u8 + U8.cls];
  world.climate.aliveByClass[cls]--;
  world.climate.deathsByClass[cls]++;
  world.totals.deaths++;
  const m = world.month;
  if (cause === Cause.runway) m.deathsRunway++;
  else if (cause === Cause.hazard) m.deathsHazard++;
  else m.deathsStranded++;
  if (i >= world.cohort.size) return; // entrants are not in the t = 0 cohort
  const j0 = st.i16[i * Stride.i16 + I16.initialProvider];
  const c = world.cohort;
  const s = st.u8[i * Stride.u8 + U8.cls];
  c.deadTotal++;
  c.deadByClass[s]++;
  if (j0 >= 0) c.deadByClassOn[s * world.providerCount + j0]++;
}
