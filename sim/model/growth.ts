/**
 * Growth (MODEL.md section 3, step 7): revenue, token demand and opex of
 * every alive startup grow by its own factor exp(g_i), drawn at birth
 * (sim/kernel/births.ts) and applied in step 5–7's pass (sim/kernel/operate.ts).
 */
import { writeClassTable, writeGroups } from './kernel-tables.js';
import type { World } from './world.js';

/** After a `set` on `classes.<c>.growth`: g_i = mean' + sd' · Z_i for the living, from their own draw. */
export function rederiveGrowth(world: World): void {
  writeClassTable(world);
  writeGroups(world);
  world.kernel.regrow(world.startups.count, world.attributesStream);
}
