/**
 * Monthly Bernoulli events as schedules. MODEL.md has every alive startup
 * reconsider with probability ρ_s and die of the hazard with probability h_s
 * each month. Drawing both coins for every startup every month dominated the
 * step; instead each startup carries the month of its next such event, drawn
 * from the geometric law of the number of months until the first success.
 * The months between successive events of independent monthly coins are
 * exactly geometric, so the law of every trajectory is the model's (the
 * analytic tests check the survival curve 1 − (1 − h)^(t+1) and the
 * reconsideration path (1 − ρ)^(t+1)); a `set` that changes ρ_s or h_s
 * redraws the schedules of the class from that month, which memorylessness
 * makes exact too. Draws stay keyed by (purpose, month, startup key).
 *
 * The draws are the kernel's (sim/kernel/random.ts, nextMonth): at birth
 * (sim/kernel/births.ts, bear), after each reconsideration
 * (sim/kernel/choice.ts, chooseRound) and here, after a `set`.
 */
import { Purpose, streamOf } from '../rng/keyed.js';
import { writeClassTable, writeGroups } from './kernel-tables.js';
import type { World } from './world.js';

/** After a `set` in month t changed ρ or h of some classes: redraw the living startups' schedules of those classes from month t. */
export function rescheduleClasses(world: World, reconsiderChanged: Uint8Array, hazardChanged: Uint8Array): void {
  const t = world.t;
  // Key months offset by 2,000 so a redraw never reuses a birth draw's key.
  const keyMonth = t + 2000;
  world.reconsidering.month = -1; // operate's list of this month's choosers is stale now
  writeClassTable(world, reconsiderChanged, hazardChanged);
  writeGroups(world);
  world.kernel.reschedule(world.startups.count, t, streamOf(world.key, Purpose.reconsiderSchedule, keyMonth), streamOf(world.key, Purpose.hazardSchedule, keyMonth));
}
