/**
 * Forking a world (shared history, shared-history.ts): a copy of a world at
 * the end of month m − 1 that goes on as a replication of another compiled
 * scenario which applies the same events in months 0 … m − 1. Every piece of
 * state is copied (typed arrays, counters, the startup records, under the
 * fork's own kernel); what the
 * world points at in its compiled scenario (provider rules and funding,
 * class tables, the scenario itself) is swapped for the matching object of
 * the other one, so the fork never holds a part of the scenario it left
 * (messages name the right file). Campaigns are matched by the events that
 * started them; campaigns not started yet begin as in a fresh world.
 * Randomness is keyed, not streamed (sim/rng/keyed.ts): the fork continues
 * exactly as a fresh run of the other scenario would.
 */
import type { CompiledScenario } from './compile.js';
import { copyStartupTable } from './startups.js';
import { createWorld, type World } from './world.js';

/** Objects of `from` matched to those of `to` that play the same part in months 0 … m − 1, and the campaigns started then. */
interface Correspondence {
  readonly objects: Map<object, object>;
  /** [campaign of from, campaign of to], in the order they started. */
  readonly campaigns: [number, number][];
}

function correspondence(from: CompiledScenario, to: CompiledScenario, m: number): Correspondence {
  const objects = new Map<object, object>();
  const pair = (a: unknown, b: unknown) => {
    if (a && typeof a === 'object' && b && typeof b === 'object') objects.set(a, b);
  };
  pair(from, to);
  pair(from.classes, to.classes);
  from.providers.forEach((p, j) => {
    const q = to.providers[j];
    pair(p, q);
    pair(p.funding, q.funding);
    for (const f of Object.keys(p.rules) as (keyof typeof p.rules)[]) pair(p.rules[f], q.rules[f]);
  });
  const campaigns: [number, number][] = [];
  for (let t = 0; t < m; t++) {
    from.actions[t].forEach((a, i) => {
      const b = to.actions[t][i];
      if (a.kind === 'campaign' && b.kind === 'campaign') campaigns.push([a.campaign, b.campaign]);
      if (a.kind === 'setField' && b.kind === 'setField') pair(a.rule, b.rule);
      if (a.kind === 'setFunding' && b.kind === 'setFunding') pair(a.funding, b.funding);
      if (a.kind === 'setClasses' && b.kind === 'setClasses') pair(a.classes, b.classes);
    });
  }
  return { objects, campaigns };
}

const reachableCache = new WeakMap<object, Set<object>>();

/** Every object reachable from a compiled scenario: none of them may be copied into a fork, only swapped. */
function reachable(root: object): Set<object> {
  const cached = reachableCache.get(root);
  if (cached) return cached;
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v as object)) continue;
    seen.add(v as object);
    if (ArrayBuffer.isView(v)) continue;
    if (v instanceof Set || v instanceof Map) for (const x of v.values()) stack.push(x);
    else if (typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  reachableCache.set(root, seen);
  return seen;
}

/**
 * A copy of `world` (stepped through month m − 1) that continues as
 * replication `world.replication` of `into`, which must share months
 * 0 … m − 1 with `world.compiled` (sharedMonths ≥ m). Throws when the world
 * holds a part of its scenario with no counterpart in `into`.
 *
 * The copy is a fresh world of `into` (createWorld) whose state is then
 * overwritten in place, never an object built key by key: every object of
 * the fork then has the hidden class of its original, so the step's hot
 * loops stay monomorphic. (A world rebuilt by spreading its keys made the
 * whole comparison 10–20 % slower than running the what-ifs alone.)
 */
export function forkWorld(world: World, into: CompiledScenario, m: number): World {
  const from = world.compiled;
  const { objects, campaigns } = correspondence(from, into, m);
  const owned = reachable(from);
  const fork = createWorld(into, world.replication);

  /** The value of `v` for the fork, reusing `old` (the fork's own value there) where its shape allows. */
  const value = (v: unknown, old: unknown, where: string): unknown => {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function') throw new Error(`forkWorld: cannot copy the function at ${where}`);
      return v;
    }
    const swapped = objects.get(v);
    if (swapped) return swapped;
    if (owned.has(v)) throw new Error(`forkWorld: ${where} is part of the scenario and has no counterpart`);
    if (ArrayBuffer.isView(v)) {
      const typed = v as unknown as Float64Array;
      if (old && ArrayBuffer.isView(old) && old.constructor === v.constructor && (old as unknown as Float64Array).length === typed.length && !owned.has(old)) {
        (old as unknown as Float64Array).set(typed);
        return old;
      }
      return typed.slice();
    }
    if (Array.isArray(v)) {
      const target = Array.isArray(old) && !owned.has(old) ? old : [];
      target.length = v.length;
      v.forEach((x, i) => (target[i] = value(x, target[i], `${where}[${i}]`)));
      return target;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) throw new Error(`forkWorld: cannot copy the ${v.constructor?.name ?? 'object'} at ${where}`);
    if (!old || typeof old !== 'object' || owned.has(old)) throw new Error(`forkWorld: ${where} has no place in a fresh world`);
    assign(old as Record<string, unknown>, v as Record<string, unknown>, where);
    return old;
  };
  const assign = (target: Record<string, unknown>, source: Record<string, unknown>, where: string) => {
    for (const [k, x] of Object.entries(source)) target[k] = value(x, target[k], `${where}.${k}`);
  };

  const { compiled: _compiled, startups, kernel: _kernel, budgetLeft: _budget, campaignStarted: _started, runningCampaigns: _running, ...rest } = world;
  assign(fork as unknown as Record<string, unknown>, rest, 'world');
  copyStartupTable(startups, fork.startups);
  // Campaigns by index of `into`: those started in the shared months carry their state over, the others start
  // fresh (as createWorld made them); the running lists are rebuilt after every month's events.
  for (const [a, b] of campaigns) {
    fork.budgetLeft[b] = world.budgetLeft[a];
    fork.campaignStarted[b] = world.campaignStarted[a];
  }
  return fork;
}
