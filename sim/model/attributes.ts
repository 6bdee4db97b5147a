/**
 * A startup's birth draws (MODEL.md section 6). They are keyed by
 * (attributes, startup key) alone, so any of them can be drawn again at any
 * time instead of being stored: the standard normals behind the switching
 * cost S_i and the growth rate g_i, which a `set` re-derives, cost no memory.
 */
import { uniform } from '../rng/keyed.js';
import { standardNormal } from '../rng/distributions.js';
import { startupKey } from './births.js';
import { Stride, U8 } from './startups.js';
import type { World } from './world.js';

/** k of each draw under the attributes key. Never renumber: results depend on it. */
export const Draw = { class: 0, cash: 1, revenue: 2, opex: 3, tokens: 4, growth: 5, switchCost: 6 } as const;

/** Startup i's attributes key: its startup key (births.ts) in the stream of (attributes, month 0). */
export function attributesKey(world: World, i: number): number {
  return startupKey(world.births, world.attributesStream, i);
}

/** The uniform that draws startup i's class. */
export function classUniform(key: number): number {
  return uniform(key, Draw.class);
}

/** Startup i's standard-normal draw number k. */
export function attributeNormal(key: number, k: number): number {
  return standardNormal(key, k);
}

/** S_i = median_s · exp(σ_s · Z_i), USD, from the current class table. */
export function switchCost(world: World, i: number): number {
  const s = world.startups.u8[i * Stride.u8 + U8.cls];
  const z = attributeNormal(attributesKey(world, i), Draw.switchCost);
  return world.classes.switchMedian[s] * Math.exp(world.classes.switchSigma[s] * z);
}

/** exp(g_i) with g_i = mean_s + sd_s · Z_i, from the current class table. */
export function growthFactor(world: World, i: number): number {
  const s = world.startups.u8[i * Stride.u8 + U8.cls];
  const z = attributeNormal(attributesKey(world, i), Draw.growth);
  return Math.exp(world.classes.growthMean[s] + world.classes.growthSd[s] * z);
}
