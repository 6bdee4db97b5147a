/**
 * Whole-document rules, checked once the schema passes (MODEL.md sections
 * 7, 9 and 11): ids that exist and are unique, shares that sum to 1, events
 * that do one thing at a month in the run, expressions that can be
 * evaluated at t = 0, and `set` paths that can be set to their values.
 * Every problem is reported, located like the schema's.
 */
import { monthIndex, monthLabel as addMonths } from '../calendar.js';
import type { Diagnostic, DiagnosticCode } from '../errors.js';
import { closeNames } from '../close-names.js';
import { compileExpression } from './expression.js';
import { issuesToDiagnostics, type Locate } from './issues.js';
import { MAX_CLASSES, MAX_DIAGNOSTICS, MAX_PROVIDERS } from './limits.js';
import * as msg from './messages.js';
import { renderPath } from './paths.js';
import { type Dynamic, type ExpectationSpec, idPattern, type ProviderSpec, type Scenario } from './schema.js';
import { applySet, dynamicProviderFields, providerIds, providerSpec, resolveSetPath, writeSet } from './set-paths.js';
import type { Origin, PathSegment } from './tree.js';

export { applySet };

export { monthIndex, addMonths };

/** Tolerance on shares summing to 1: decimal shares such as 0.1 + 0.2 + 0.7 are not exact in binary. */
const shareTolerance = 1e-9;

/** Which provider field an expression variable reads at t = 0 (section 9). */
const readsField = { price: 'price', quality: 'quality', cost: 'unitCost' } as const;

type Path = readonly PathSegment[];

/**
 * The metric names of a scenario's providers and classes (the model's
 * `metricLayout`), handed in by a caller above the model so expectations'
 * metrics are checked with everything else; the scenario layer does not
 * import the model.
 */
export type MetricNamesOf = (providers: readonly string[], classes: readonly string[], options: { vouchers: boolean }) => { readonly names: readonly string[] };

export interface CheckOptions {
  readonly metricNames?: MetricNamesOf;
}

interface Context {
  readonly s: Scenario;
  readonly options: CheckOptions;
  readonly locate: Locate;
  readonly out: Diagnostic[];
  report(path: Path, code: DiagnosticCode, message: string): void;
  /** `x.yaml:5`, for "already used" messages. */
  where(path: Path): string;
}

const nowhere: Locate = () => ({ file: '', line: 0 });

/** Thrown by `report` once enough problems are found; the loader says more were not shown. */
class Enough {}

/**
 * All whole-document problems of a schema-valid scenario, in check order;
 * at most a few more than MAX_DIAGNOSTICS (checking stops there, so a file
 * with 20,000 bad events costs no more than one with 50).
 */
export function checkScenario(s: Scenario, locate: Locate = nowhere, options: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx: Context = {
    s,
    options,
    locate,
    out,
    report: (path, code, message) => {
      const { file, line } = locate(path);
      out.push({ code, file, line, path: renderPath(s, path, (item) => locate(item).index), message });
      if (out.length > MAX_DIAGNOSTICS) throw new Enough();
    },
    where: (path) => {
      const at: Origin = locate(path);
      return at.line > 0 ? `${at.file}:${at.line}` : renderPath(s, path);
    },
  };
  try {
    // Sizes first: the other checks are linear in each, but not in their product.
    if (checkSizes(ctx)) return out;
    for (const check of [checkProviders, checkClasses, checkInitialProviders, checkEvents, checkSets, checkExpectations]) {
      check(ctx);
      if (out.length > MAX_DIAGNOSTICS) break;
    }
  } catch (e) {
    if (!(e instanceof Enough)) throw e;
  }
  return out;
}

/** MAX_PROVIDERS and MAX_CLASSES (limits.ts); true when one is exceeded. */
function checkSizes(ctx: Context): boolean {
  const providers = allProviders(ctx.s).length;
  const classes = Object.keys(ctx.s.classes).length;
  if (providers > MAX_PROVIDERS) ctx.report(['providers'], 'E_LIMIT', msg.tooManyProviders(providers));
  if (classes > MAX_CLASSES) ctx.report(['classes'], 'E_LIMIT', msg.tooManyClasses(classes));
  return ctx.out.length > 0;
}

/** Providers at start and those entering, with where each is written. */
function allProviders(s: Scenario): { spec: ProviderSpec; path: Path; entering: boolean }[] {
  return [
    ...s.providers.map((spec, i) => ({ spec, path: ['providers', i] as Path, entering: false })),
    ...s.events.flatMap((e, j) => (e.enter ? [{ spec: e.enter, path: ['events', j, 'enter'] as Path, entering: true }] : [])),
  ];
}

function checkProviders(ctx: Context): void {
  const classes = Object.keys(ctx.s.classes);
  const seen = new Map<string, Path>();
  for (const { spec, path, entering } of allProviders(ctx.s)) {
    const first = seen.get(spec.id);
    if (first) {
      const where = ctx.where([...first, 'id']);
      ctx.report([...path, 'id'], 'E_DUPLICATE_ID', entering ? msg.enterExisting(spec.id, where) : msg.duplicateProvider(spec.id, where));
    } else {
      seen.set(spec.id, path);
    }
    spec.serves?.forEach((c, k) => {
      if (!classes.includes(c)) ctx.report([...path, 'serves', k], 'E_UNKNOWN_ID', msg.unknownClass(c, classes));
    });
    for (const field of dynamicProviderFields) checkStartValues(ctx, spec[field], [...path, field], field, spec);
  }
}

/**
 * A plain expression, evaluated at the provider's first month, reads
 * `price`, `quality` or `cost` only where the provider as written has a
 * number or `initial` for it (section 9, "Last month's values at t = 0").
 * The schema has already checked that it compiles.
 */
function checkStartValues(ctx: Context, value: Dynamic | undefined, path: Path, field: string, asWritten: ProviderSpec): void {
  if (typeof value !== 'string') return;
  for (const variable of compileExpression(value).variables) {
    if (!Object.hasOwn(readsField, variable)) continue;
    const target = readsField[variable as keyof typeof readsField];
    if (typeof asWritten[target] === 'string') ctx.report(path, 'E_EXPR', msg.noValueAtStart(field, variable, target));
  }
}

function checkClasses(ctx: Context): void {
  checkSum(ctx, Object.values(ctx.s.classes).map((c) => c.share), ['classes']);
}

function checkSum(ctx: Context, shares: readonly number[], path: Path): void {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > shareTolerance) ctx.report(path, 'E_SHARES', msg.sharesSum(sum));
}

/**
 * `initialProviders` is either provider → share, or class → (provider →
 * share). Providers must be there at start. By provider, every class in
 * the population needs a listed provider that serves it (shares are
 * renormalised over those, section 9); by class, every listed provider
 * must serve the class and every class in the population must be listed.
 */
function checkInitialProviders(ctx: Context): void {
  const initial = ctx.s.startups.initialProviders;
  if (!initial) return;
  const base: Path = ['startups', 'initialProviders'];
  const values = Object.values(initial);
  const byProvider = values.every((v) => typeof v === 'number');
  if (!byProvider && !values.every((v) => typeof v === 'object')) {
    ctx.report(base, 'E_CONFLICT', msg.mixedInitialProviders);
    return;
  }
  const startIds = ctx.s.providers.map((p) => p.id);
  const allIds = providerIds(ctx.s);
  const populated = Object.entries(ctx.s.classes).filter(([, c]) => c.share > 0).map(([name]) => name);
  const serves = (id: string, cls: string) => {
    const spec = ctx.s.providers.find((p) => p.id === id);
    return !spec?.serves || spec.serves.includes(cls);
  };
  const checkShares = (shares: Record<string, number>, path: Path, cls?: string) => {
    for (const [id, share] of Object.entries(shares)) {
      if (!startIds.includes(id)) {
        ctx.report([...path, id], 'E_UNKNOWN_ID', allIds.includes(id) ? msg.notAtStart(id) : msg.unknownProvider(id, startIds));
      } else if (cls !== undefined && share > 0 && !serves(id, cls)) {
        ctx.report([...path, id], 'E_CONFLICT', msg.providerNotServing(id, cls));
      }
    }
    checkSum(ctx, Object.values(shares), path);
  };
  if (byProvider) {
    const shares = initial as Record<string, number>;
    checkShares(shares, base);
    for (const cls of populated) {
      const served = Object.entries(shares).some(([id, share]) => share > 0 && startIds.includes(id) && serves(id, cls));
      if (!served) ctx.report(base, 'E_CONFLICT', msg.classNotServed(cls));
    }
    return;
  }
  const perClass = initial as Record<string, Record<string, number>>;
  const classes = Object.keys(ctx.s.classes);
  for (const [cls, shares] of Object.entries(perClass)) {
    if (!classes.includes(cls)) ctx.report([...base, cls], 'E_UNKNOWN_ID', msg.unknownClass(cls, classes));
    else checkShares(shares, [...base, cls], cls);
  }
  for (const cls of populated) if (!Object.hasOwn(perClass, cls)) ctx.report(base, 'E_MISSING', msg.classMissing(cls));
}

const actions = ['exit', 'enter', 'campaign', 'voucher', 'set'] as const;

function checkEvents(ctx: Context): void {
  const { s } = ctx;
  const ids = providerIds(s);
  const seen = new Map<string, Path>();
  s.events.forEach((event, j) => {
    const path: Path = ['events', j];
    if (event.drop) {
      ctx.report(path, 'E_UNKNOWN_ID', msg.dropUnmatched(event.id));
      return;
    }
    if (event.id !== undefined) {
      const first = seen.get(event.id);
      if (first) ctx.report([...path, 'id'], 'E_DUPLICATE_ID', msg.duplicateEvent(event.id, ctx.where([...first, 'id'])));
      else seen.set(event.id, path);
    }
    const does = actions.filter((a) => event[a] !== undefined);
    if (does.length === 0) ctx.report(path, 'E_EVENT', msg.eventDoesNothing);
    if (does.length > 1) ctx.report(path, 'E_EVENT', msg.eventDoesMany(does));
    if (event.at === undefined) ctx.report([...path, 'at'], 'E_MISSING', msg.missingField);
    else if (monthIndex(s.start, event.at) < 0) ctx.report([...path, 'at'], 'E_MONTH', msg.beforeStart(event.at, s.start));
    if (event.exit !== undefined && !ids.includes(event.exit)) ctx.report([...path, 'exit'], 'E_UNKNOWN_ID', msg.unknownProvider(event.exit, ids));
    const campaign = event.campaign;
    if (campaign) {
      const at: Path = [...path, 'campaign'];
      if (!ids.includes(campaign.provider)) ctx.report([...at, 'provider'], 'E_UNKNOWN_ID', msg.unknownProvider(campaign.provider, ids));
      campaign.from?.forEach((id, k) => {
        if (!ids.includes(id)) ctx.report([...at, 'from', k], 'E_UNKNOWN_ID', msg.unknownProvider(id, ids));
      });
      if (campaign.eligible === 'migrants' && !campaign.from) ctx.report([...at, 'eligible'], 'E_CONFLICT', msg.migrantsNeedFrom);
      if (campaign.eligible !== 'migrants' && campaign.from) ctx.report([...at, 'from'], 'E_CONFLICT', msg.fromNeedsMigrants(campaign.eligible));
      if (campaign.until !== undefined && event.at !== undefined && monthIndex(event.at, campaign.until) < 0) {
        ctx.report([...at, 'until'], 'E_MONTH', msg.untilBeforeAt(campaign.until, event.at));
      }
    }
    const voucher = event.voucher;
    if (voucher) {
      const at: Path = [...path, 'voucher'];
      const classes = Object.keys(s.classes);
      voucher.classes.forEach((c, k) => {
        if (!classes.includes(c)) ctx.report([...at, 'classes', k], 'E_UNKNOWN_ID', msg.unknownClass(c, classes));
      });
      if (voucher.until !== undefined && event.at !== undefined && monthIndex(event.at, voucher.until) < 0) {
        ctx.report([...at, 'until'], 'E_MONTH', msg.untilBeforeAt(voucher.until, event.at));
      }
    }
  });
}

/**
 * Sets are tried in the order they apply (by month, then file order) on a
 * working copy, so a set of `funding.below` sees a `funding` set earlier.
 */
function checkSets(ctx: Context): void {
  const { s } = ctx;
  const firstMonth = new Map<string, number>(s.providers.map((p) => [p.id, 0]));
  for (const e of s.events) if (e.enter && e.at && !firstMonth.has(e.enter.id)) firstMonth.set(e.enter.id, monthIndex(s.start, e.at));
  const sets = s.events
    .map((event, j) => ({ event, j, month: event.at === undefined ? NaN : monthIndex(s.start, event.at) }))
    .filter(({ event, month }) => event.set && !event.drop && !Number.isNaN(month))
    .sort((a, b) => a.month - b.month || a.j - b.j);
  const working = structuredClone(s);
  for (const { event, j, month } of sets) {
    const entries = Object.entries(event.set ?? {});
    if (entries.length === 0) ctx.report(['events', j, 'set'], 'E_SET_PATH', msg.emptySet);
    for (const [key, value] of entries) {
      const path: Path = ['events', j, 'set', key];
      const target = resolveSetPath(working, key);
      if (typeof target === 'string') {
        ctx.report(path, 'E_SET_PATH', target);
        continue;
      }
      const parsed = target.schema.safeParse(value, { error: msg.issueMessage });
      if (!parsed.success) {
        ctx.out.push(...issuesToDiagnostics(parsed.error.issues, target.schema, value, ctx.locate, s, path));
        continue;
      }
      if (target.kind === 'provider') {
        const { id, field } = target;
        if (field === 'serves') {
          const classes = Object.keys(s.classes);
          (parsed.data as string[]).forEach((c, k) => {
            if (!classes.includes(c)) ctx.report([...path, k], 'E_UNKNOWN_ID', msg.unknownClass(c, classes));
          });
        } else if (field !== 'funding') {
          const asWritten = firstMonth.get(id) === month ? providerSpec(s, id) : undefined;
          if (asWritten) checkStartValues(ctx, parsed.data as Dynamic, path, field, asWritten);
        }
      }
      const problem = writeSet(working, target, parsed.data);
      if (problem) ctx.report(path, 'E_SET_PATH', problem);
    }
  }
}

function checkExpectations(ctx: Context): void {
  const { s } = ctx;
  const last = addMonths(s.start, s.months - 1);
  s.expect.forEach((e, k) => {
    const problem = expectationForm(e);
    if (problem) ctx.report(['expect', k, ...(problem.field ? [problem.field] : [])], 'E_CONFLICT', problem.message);
    if (e.at === 'end') return;
    const t = monthIndex(s.start, e.at);
    if (t < 0 || t >= s.months) ctx.report(['expect', k, 'at'], 'E_MONTH', msg.outsideRun(e.at, s.start, last));
  });
  if (ctx.options.metricNames) for (const d of expectationMetricProblems(s, ctx.locate, ctx.options.metricNames)) ctx.out.push(d);
}

/**
 * Expectations naming a metric the scenario does not record. Reads the
 * document defensively, so the loader can run it on a document the schema
 * refused: the metrics' problems are then reported with the schema's, in
 * one pass. Nothing when the providers, classes or expectations cannot be
 * read as such (the schema's problems say why).
 */
export function expectationMetricProblems(data: unknown, locate: Locate, metricNames: MetricNamesOf): Diagnostic[] {
  const record = (x: unknown): Record<string, unknown> | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
  const doc = record(data);
  const classes = record(doc?.classes);
  const expect = doc?.expect;
  if (!doc || !classes || !Array.isArray(expect) || expect.length === 0 || !Array.isArray(doc.providers)) return [];
  const events = Array.isArray(doc.events) ? doc.events.map(record) : [];
  const ids = [...doc.providers.map((p) => record(p)?.id), ...events.map((e) => record(e?.enter)?.id).filter((id) => id !== undefined)];
  if (!ids.every((id): id is string => typeof id === 'string' && idPattern.test(id))) return [];
  const names = metricNames(ids, Object.keys(classes), { vouchers: events.some((e) => e?.voucher !== undefined) }).names;
  const known = new Set(names);
  const out: Diagnostic[] = [];
  expect.forEach((e, k) => {
    const metric = record(e)?.metric;
    if (typeof metric !== 'string' || known.has(metric)) return;
    const path = ['expect', k, 'metric'];
    const { file, line } = locate(path);
    out.push({ code: 'E_UNKNOWN_METRIC', file, line, path: renderPath(data, path, (item) => locate(item).index), message: msg.unknownMetric(metric, closeNames(metric, names)) });
  });
  return out;
}

/**
 * An expectation is absolute (`value`) or relative (`baseline` and one of
 * `ratio`, `difference`): the first field that breaks that, and why.
 */
function expectationForm(e: ExpectationSpec): { field?: string; message: string } | undefined {
  const has = (k: 'value' | 'baseline' | 'ratio' | 'difference') => e[k] !== undefined;
  if (has('value') && has('baseline')) return { field: 'baseline', message: msg.valueAndBaseline };
  if (has('value') || has('baseline')) {
    if (has('ratio') && has('difference')) return { field: 'difference', message: msg.ratioAndDifference };
    const stray = has('ratio') ? 'ratio' : has('difference') ? 'difference' : undefined;
    if (has('value') && stray) return { field: stray, message: msg.withoutBaseline(stray) };
    if (has('baseline') && !stray) return { field: 'baseline', message: msg.baselineWithout };
    return undefined;
  }
  return { message: has('ratio') || has('difference') ? msg.missingBaseline : msg.missingValue };
}
