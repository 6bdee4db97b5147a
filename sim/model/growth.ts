/**
 * Growth (MODEL.md section 3, step 7): revenue, token demand and opex of
 * every alive startup grow by its own factor exp(g_i), drawn at birth and
 * applied in operate.ts.
 */
import { growthFactor } from './attributes.js';
import { F64, Stride, U8 } from './startups.js';
import type { World } from './world.js';

/** After a `set` on `classes.<c>.growth`: g_i = mean' + sd' · Z_i for the living, from their own draw. */
export function rederiveGrowth(world: World): void {
  const st = world.startups;
  for (let i = 0; i < st.count; i++) if (st.u8[i * Stride.u8 + U8.alive]) st.f64[i * Stride.f64 + F64.growthFactor] = growthFactor(world, i);
}
