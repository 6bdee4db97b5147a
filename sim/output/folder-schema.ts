/**
 * The shapes of manifest.json, summary.json and runs/index.json as shakeout
 * writes them,
 * for reading folders it may not have written (docs/security.md, "Result
 * folders you receive are untrusted"): every field has its type and range,
 * the resolved scenario passes the scenario schema, and the two files agree
 * with each other. Unknown fields are dropped, so they never reach a page.
 */
import { z } from 'zod';
import { monthLabel } from '../calendar.js';
import { MAX_CLASSES, MAX_NAME_LENGTH } from '../scenario/limits.js';
import { quote } from '../scenario/messages.js';
import { comparisonOps, idSchema, monthSchema, scenarioSchema } from '../scenario/schema.js';
import { RESULT_FORMAT } from './manifest.js';
import { expectationForm, mismatch, passDisagrees } from './messages.js';
import type { ExpectationResult, Verdict } from './result-types.js';
import { METRIC_KINDS } from './metric-catalog.js';
import { RUN_STORE_FORMAT } from './run-store.js';
import { int, months, provenanceFields, seed, sha256, statistic } from './manifest-fields.js';

const fraction = z.number().min(0).max(1);

const verdicts = ['PASS', 'FAIL', 'INCONCLUSIVE'] as const satisfies readonly Verdict[];

/** Agreement between fields is checked only once each field is valid (a bad field is one problem, not two). */
const onlyWhenValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/** A path inside the folder: relative, `/`-separated, not going up. */
const folderFile = z
  .string()
  .max(1000)
  .refine((f) => f !== '' && !f.startsWith('/') && !f.includes('\\') && !f.split('/').includes('..'), {
    error: 'expected a path inside the result folder',
  });

export const manifestSchema = z
  .object({
    format: z.literal(RESULT_FORMAT),
    ...provenanceFields,
    scenarioName: z.string().nullable(),
    scenario: scenarioSchema,
    scenarioSha256: sha256,
    seed,
    runs: int(1),
    months,
    start: monthSchema,
    command: z.array(z.string()),
    nodeVersion: z.string().regex(/^v\d+\.\d+\.\d+[\w.+-]*$/, { error: 'expected a Node.js version such as v20.20.2' }),
    createdAt: z.iso.datetime(),
    wallTimeSeconds: z.number().min(0),
    files: z.array(folderFile),
  })
  .superRefine((m, ctx) => {
    const differs = (field: string, value: unknown, theirs: unknown, where: string) => {
      if (value !== theirs)
        ctx.addIssue({ code: 'custom', path: [field], message: mismatch(JSON.stringify(value), where, JSON.stringify(theirs)) });
    };
    differs('scenarioName', m.scenarioName, m.scenario.name ?? null, 'scenario.name');
    differs('months', m.months, m.scenario.months, 'scenario.months');
    differs('start', m.start, m.scenario.start, 'scenario.start');
    differs('seed', m.seed, m.scenario.seed, 'scenario.seed');
  }, onlyWhenValid);

const bandSchema = z.object({ month: int(0, 1199), date: monthSchema, mean: statistic, p05: statistic, p50: statistic, p95: statistic });

/** An expectation's verdict in summary.json (a result folder's, or a comparison's per what-if). */
export const expectationResultSchema = z
  .object({
    name: z.string().min(1),
    metric: z.string().min(1),
    at: z.union([monthSchema, z.literal('end')]),
    month: int(0, 1199),
    op: z.enum(comparisonOps),
    // Absolute: a value; relative: the baseline's file name and a ratio or a difference.
    value: z.number().optional(),
    baseline: z.string().min(1).max(MAX_NAME_LENGTH).optional(),
    ratio: z.number().optional(),
    difference: z.number().optional(),
    probability: fraction,
    holds: int(0),
    runs: int(1),
    fraction,
    low: fraction,
    high: fraction,
    // Folders written before verdicts have `pass` (then `fraction >= probability`) alone: they read as PASS or FAIL.
    verdict: z.enum(verdicts).optional(),
    pass: z.boolean(),
    runsToSettle: int(1).nullable().default(null),
  })
  .refine((e) => e.verdict === undefined || e.pass === (e.verdict === 'PASS'), { error: passDisagrees, path: ['pass'] })
  .refine((e) => (e.baseline === undefined ? e.value !== undefined && e.ratio === undefined && e.difference === undefined : e.value === undefined && (e.ratio === undefined) !== (e.difference === undefined)), {
    error: expectationForm,
  })
  .transform(({ verdict, pass, runsToSettle, ...e }): ExpectationResult => ({ ...e, verdict: verdict ?? (pass ? 'PASS' : 'FAIL'), pass, runsToSettle }));

const summaryShape = z.object({
  scenario: z.string().nullable(),
  seed,
  runs: int(1),
  months,
  start: monthSchema,
  end: monthSchema,
  hhiTokens: z.array(bandSchema).max(3),
  cohortDead: bandSchema.nullable(),
  cohortDeadByClass: z.array(bandSchema.extend({ class: idSchema })).max(MAX_CLASSES),
  providersActive: bandSchema.nullable(),
  expectations: z.array(expectationResultSchema),
});

/** summary.json's schema, checked against the folder's manifest. */
export function summarySchema(manifest: { scenarioName: string | null; seed: number | string; runs: number; months: number; start: string }) {
  return summaryShape.superRefine((s, ctx) => {
    const differs = (path: (string | number)[], value: unknown, theirs: unknown, where: string) => {
      if (value !== theirs) ctx.addIssue({ code: 'custom', path, message: mismatch(JSON.stringify(value), where, JSON.stringify(theirs)) });
    };
    differs(['scenario'], s.scenario, manifest.scenarioName, 'manifest.json');
    differs(['seed'], s.seed, manifest.seed, 'manifest.json');
    differs(['runs'], s.runs, manifest.runs, 'manifest.json');
    differs(['months'], s.months, manifest.months, 'manifest.json');
    differs(['start'], s.start, manifest.start, 'manifest.json');
    differs(['end'], s.end, monthLabel(manifest.start, manifest.months - 1), 'manifest.json (start and months)');
    const inRun = (path: (string | number)[], month: number) => {
      if (month >= manifest.months)
        ctx.addIssue({ code: 'custom', path, message: `month ${month} is outside the run (t = 0 to ${manifest.months - 1})` });
    };
    s.hhiTokens.forEach((b, i) => inRun(['hhiTokens', i, 'month'], b.month));
    if (s.cohortDead) inRun(['cohortDead', 'month'], s.cohortDead.month);
    s.cohortDeadByClass.forEach((b, i) => inRun(['cohortDeadByClass', i, 'month'], b.month));
    if (s.providersActive) inRun(['providersActive', 'month'], s.providersActive.month);
    s.expectations.forEach((e, i) => {
      inRun(['expectations', i, 'month'], e.month);
      differs(['expectations', i, 'runs'], e.runs, manifest.runs, 'manifest.json');
      if (e.holds > e.runs) ctx.addIssue({ code: 'custom', path: ['expectations', i, 'holds'], message: `${e.holds} is more than the ${e.runs} runs` });
    });
  }, onlyWhenValid);
}

/**
 * The longest metric name a run can have: the longest metric pattern
 * (MODEL.md section 8) is under 100 characters, and it holds at most two
 * ids of at most MAX_ID_LENGTH (64) characters.
 */
export const MAX_METRIC_NAME_LENGTH = 512;

/** At most this many metric families in a run (the registry has about 30). */
export const MAX_FAMILIES = 1000;

const familySchema = z.object({
  pattern: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.<>-]+$/, { error: 'expected a metric pattern such as share.tokens.<id>' }),
  kind: z.enum(METRIC_KINDS),
  unit: z.string().max(100),
  description: z.string().max(1000),
  first: int(0),
  count: int(0),
});

/** What metric names of `pattern` look like: its placeholders filled with ids. */
function fitter(pattern: string): RegExp {
  const source = pattern
    .split(/<\w+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[A-Za-z0-9_-]+');
  return new RegExp(`^${source}$`);
}

/** runs/index.json's schema, checked against the folder's manifest: the metric names of the run, once each. */
export function runIndexSchema(manifest: { runs: number; months: number; start: string }) {
  return z
    .object({
      format: z.literal(RUN_STORE_FORMAT),
      metrics: z.array(z.string().min(1).max(MAX_METRIC_NAME_LENGTH, { error: `expected a metric name of at most ${MAX_METRIC_NAME_LENGTH} characters` })).min(1),
      // Folders written before the families were listed have none (metric-catalog.ts reads them from the names).
      families: z.array(familySchema).max(MAX_FAMILIES).optional(),
      runs: int(1),
      months,
      start: monthSchema,
    })
    .superRefine((index, ctx) => {
      const differs = (field: string, value: unknown, theirs: unknown) => {
        if (value !== theirs) ctx.addIssue({ code: 'custom', path: [field], message: mismatch(JSON.stringify(value), 'manifest.json', JSON.stringify(theirs)) });
      };
      differs('runs', index.runs, manifest.runs);
      differs('months', index.months, manifest.months);
      differs('start', index.start, manifest.start);
      const seen = new Set<string>();
      for (const [i, name] of index.metrics.entries()) {
        if (seen.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['metrics', i], message: `${quote(name, 80)} is listed twice` });
          return;
        }
        seen.add(name);
      }
      if (index.families) {
        // The families' blocks tile the metric names in order, and each name fits its family's pattern.
        let next = 0;
        for (const [i, f] of index.families.entries()) {
          if (f.first !== next) {
            ctx.addIssue({ code: 'custom', path: ['families', i, 'first'], message: `expected ${next}, where the previous family ends` });
            return;
          }
          next += f.count;
        }
        if (next !== index.metrics.length) {
          ctx.addIssue({ code: 'custom', path: ['families'], message: `the families hold ${next} metrics, the run ${index.metrics.length}` });
          return;
        }
        for (const f of index.families) {
          const fit = fitter(f.pattern);
          for (let i = f.first; i < f.first + f.count; i++)
            if (!fit.test(index.metrics[i])) {
              ctx.addIssue({ code: 'custom', path: ['metrics', i], message: `${quote(index.metrics[i], 80)} does not fit its family's pattern ${quote(f.pattern, 80)}` });
              return;
            }
        }
      }
    }, onlyWhenValid);
}
