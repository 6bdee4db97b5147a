/**
 * The place a settable path names (MODEL.md section 9, "Paths"), read from
 * the path alone. The model's compile needs only this to turn a `set` into
 * an action, and it runs on every worker thread of a pool: this module, and
 * so the model, loads no schema. Loading zod and building the scenario's
 * schema was about a third of what a worker spent before its first
 * replication, and 13 MiB of its memory. set-paths.ts checks a path
 * against the scenario and gives its value's schema.
 */

/** Provider fields a `set` may change, and those of its funding. */
export const providerSetFields = ['price', 'quality', 'unitCost', 'fixedCost', 'exitRisk', 'serves', 'funding', 'switchCostFactor'] as const;
export const fundingSetFields = ['below', 'probability', 'amount'] as const;

/** Scenario-wide settable paths. */
const scenarioPaths: readonly string[] = [
  'horizon',
  'qualityReference',
  'qualityReference.value',
  'qualityReference.frontierWeight',
  'startups.entry.rate',
  'startups.entry.qualityElasticity',
];

export type SetPlace =
  | { kind: 'provider'; id: string; field: (typeof providerSetFields)[number] }
  | { kind: 'providerFunding'; id: string; field: (typeof fundingSetFields)[number] }
  | { kind: 'scenario'; keys: readonly string[] }
  | { kind: 'class'; id: string; keys: readonly string[] };

const has = <T extends string>(list: readonly T[], x: string | undefined): x is T => (list as readonly string[]).includes(x as string);

/**
 * The place `path` names if it has the shape of a settable path, else
 * undefined. Whether the scenario has that provider or class, and whether a
 * class field can be set, is set-paths.ts's to say (resolveSetPath).
 */
export function setPlaceOf(path: string): SetPlace | undefined {
  const parts = path.split('.');
  const [head, id, field, part] = parts;
  if (head === 'providers' && parts.length === 3 && has(providerSetFields, field)) return { kind: 'provider', id, field };
  if (head === 'providers' && parts.length === 4 && field === 'funding' && has(fundingSetFields, part)) return { kind: 'providerFunding', id, field: part };
  if (scenarioPaths.includes(path)) return { kind: 'scenario', keys: parts };
  if (head === 'classes' && parts.length >= 3 && parts.length <= 4 && field !== 'share') return { kind: 'class', id, keys: parts.slice(2) };
  return undefined;
}
