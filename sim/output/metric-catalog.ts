/**
 * What a result folder says about its metrics: each family of the model's
 * registry (MODEL.md section 8) with its kind, unit and meaning, and the
 * block of columns its metrics fill (runs/index.json, `families`). Output
 * and viz read families, units and bindings (the provider, the class) from
 * here, never from the model, which they do not import.
 *
 * Folders written before runs/index.json listed its families have the
 * metric names alone: their families are found by matching the names
 * against FORMAT_1_PATTERNS, the families such folders could hold (a fixed
 * list: those folders do not change), with kind, unit and meaning unknown.
 */

/** How a metric accumulates (MODEL.md section 8): a level, this month's amount, or since t = 0. */
export type MetricKind = 'stock' | 'month' | 'cumulative';

export const METRIC_KINDS = ['stock', 'month', 'cumulative'] as const satisfies readonly MetricKind[];

/** One family of a run, as runs/index.json lists it. */
export interface FolderMetricFamily {
  /** The registry's pattern, e.g. `share.tokens.<id>`. */
  readonly pattern: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
  /** Its first column among the run's metric names, and how many it has (0 for an optional family the run lacks). */
  readonly first: number;
  readonly count: number;
}

/** What a placeholder of a pattern binds: `<id>` a provider, `<class>` a startup class, `<from>`/`<to>` the providers of a switch. */
export type BindingKey = 'provider' | 'class' | 'from' | 'to';

const PLACEHOLDERS: Readonly<Record<string, BindingKey>> = { id: 'provider', class: 'class', from: 'from', to: 'to' };

/** One metric of a folder, described. */
export interface MetricInfo {
  readonly name: string;
  /** Its family's pattern; the name itself for a metric no family matches. */
  readonly family: string;
  /** null for a folder written before families were listed. */
  readonly kind: MetricKind | null;
  readonly unit: string | null;
  readonly description: string | null;
  readonly bindings: Readonly<Partial<Record<BindingKey, string>>>;
}

/** The families of folders written before runs/index.json listed them (`shakeout-runs/1` without `families`). */
export const FORMAT_1_PATTERNS: readonly string[] = [
  'hhi.customers',
  'hhi.tokens',
  'hhi.revenue',
  'cr1.tokens',
  'cr4.tokens',
  'providers.active',
  'share.customers.<id>',
  'share.tokens.<id>',
  'startups.alive',
  'startups.entered',
  'deaths',
  'deaths.runway',
  'deaths.hazard',
  'deaths.stranded',
  'deaths.cumulative',
  'cohort.dead.fraction',
  'cohort.dead.<class>.fraction',
  'cohort.dead.<class>.on.<id>.fraction',
  'switches.voluntary',
  'switches.forced',
  'flows.<from>.<to>',
  'providers.exited.bankrupt',
  'providers.exited.event',
  'tokens.free',
  'price.paid',
  'provider.cash.<id>',
  'provider.profit.<id>',
  'vouchers.cost',
  'vouchers.cost.cumulative',
];

/** A pattern as a matcher: placeholders match one id (ids have no dots), in order of appearance. */
function matcher(pattern: string): { re: RegExp; keys: BindingKey[] } {
  const keys: BindingKey[] = [];
  const source = pattern
    .split(/(<\w+>)/)
    .map((part) => {
      const m = /^<(\w+)>$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(PLACEHOLDERS[m[1]] ?? (m[1] as BindingKey));
      return '([^.]+)';
    })
    .join('');
  return { re: new RegExp(`^${source}$`), keys };
}

function bind(pattern: { re: RegExp; keys: BindingKey[] }, name: string): Partial<Record<BindingKey, string>> | null {
  const m = pattern.re.exec(name);
  if (!m) return null;
  const out: Partial<Record<BindingKey, string>> = {};
  pattern.keys.forEach((k, i) => (out[k] = m[i + 1]));
  return out;
}

export interface MetricCatalog {
  /** Whether the folder listed its families (false: found from the names, FORMAT_1_PATTERNS). */
  readonly declared: boolean;
  /** Every metric name, in column order. */
  readonly names: readonly string[];
  /** The names of the family `pattern`'s metrics, in column order, without describing each (the flows are providers² of them). */
  namesOf(pattern: string): readonly string[];
  /** The metric `name`, described; undefined when the folder has none. */
  describe(name: string): MetricInfo | undefined;
  /** The metrics of the family `pattern`, in column order (none when the folder has no such family). */
  membersOf(pattern: string): readonly MetricInfo[];
  /** The families with at least one metric, in column order (patterns; without listed families, those the names fit). */
  patterns(): readonly string[];
}

/**
 * The catalog of a folder's metric `names` (column order) from the
 * `families` its runs/index.json lists, or, without them, from the names.
 * Lazy: a family's metrics are described when asked for, so a run with
 * providers² flows costs nothing until the flows are.
 */
export function metricCatalog(names: readonly string[], families?: readonly FolderMetricFamily[]): MetricCatalog {
  const cache = new Map<string, readonly MetricInfo[]>();
  const describeAs = (family: string, m: ReturnType<typeof matcher>, f: FolderMetricFamily | undefined, name: string): MetricInfo => ({
    name,
    family,
    kind: f?.kind ?? null,
    unit: f?.unit ?? null,
    description: f?.description ?? null,
    bindings: bind(m, name) ?? {},
  });
  /** A name's family without listed families: a fixed name first (`deaths.runway` is no `<class>`), else the first pattern it fits. */
  const fixed = new Set(FORMAT_1_PATTERNS.filter((p) => !p.includes('<')));
  const format1 = FORMAT_1_PATTERNS.map((p) => ({ pattern: p, m: matcher(p) }));
  const familyOf = (name: string): string => (fixed.has(name) ? name : (format1.find((p) => p.m.re.test(name))?.pattern ?? name));
  const namesOf = (pattern: string): readonly string[] => {
    if (families) {
      const f = families.find((x) => x.pattern === pattern);
      return f ? names.slice(f.first, f.first + f.count) : [];
    }
    // The literal start of the pattern first: a run's providers² flows never reach the regular expressions of `share.tokens.<id>`.
    const start = pattern.split('<')[0];
    return names.filter((name) => name.startsWith(start) && familyOf(name) === pattern);
  };
  const membersOf = (pattern: string): readonly MetricInfo[] => {
    let list = cache.get(pattern);
    if (list) return list;
    const m = matcher(pattern);
    const f = families?.find((x) => x.pattern === pattern);
    list = namesOf(pattern).map((name) => describeAs(pattern, m, f, name));
    cache.set(pattern, list);
    return list;
  };
  return {
    declared: families !== undefined,
    names,
    namesOf,
    describe(name) {
      const i = names.indexOf(name);
      if (i < 0) return undefined;
      const f = families?.find((x) => i >= x.first && i < x.first + x.count);
      const family = f?.pattern ?? familyOf(name);
      return describeAs(family, matcher(family), f, name);
    },
    membersOf,
    patterns() {
      if (families) return families.filter((f) => f.count > 0).map((f) => f.pattern);
      return [...new Set(names.map(familyOf))];
    },
  };
}

/** The prefix of a per-provider family's pattern (`share.tokens.<id>` → `share.tokens`), or null for any other family. */
export function providerFamilyPrefix(pattern: string): string | null {
  return /^[^<>]+\.<id>$/.test(pattern) ? pattern.slice(0, -'.<id>'.length) : null;
}
