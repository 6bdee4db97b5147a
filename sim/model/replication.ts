/**
 * One replication: build the world, create the t = 0 population, step
 * through every month, return the metric rows. Pure: the same compiled
 * scenario and replication index always give the same numbers, whatever
 * thread or machine runs it.
 */
import type { CompiledScenario } from './compile.js';
import { createInitialPopulation } from './entry.js';
import { updateShares } from './providers.js';
import { step } from './step.js';
import { releaseStartupTable } from './startups.js';
import { createWorld, type World } from './world.js';

/** A world at t = 0, before month 0 is stepped (tests use it to drive `step` by hand). */
export function initWorld(compiled: CompiledScenario, replication: number): World {
  const world = createWorld(compiled, replication);
  createInitialPopulation(world);
  updateShares(world);
  return world;
}

/**
 * Runs replication `replication` (0-based) and returns its monthly metric
 * values, row-major: `values[t * metricNames.length + m]`.
 */
export function runReplication(compiled: CompiledScenario, replication: number): Float64Array {
  const k = compiled.metricNames.length;
  const out = new Float64Array(compiled.months * k);
  const world = initWorld(compiled, replication);
  for (let t = 0; t < compiled.months; t++) step(world, t, out.subarray(t * k, (t + 1) * k));
  releaseStartupTable(world.startups); // the world ends here: its memory serves the next one
  return out;
}
