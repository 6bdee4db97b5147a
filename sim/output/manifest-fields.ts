/**
 * The fields the manifests and summaries of shakeout's folders share, as
 * they are read back from folders shakeout may not have written
 * (docs/security.md, "Result folders you receive are untrusted"): every
 * number in its range and every string bounded.
 */
import { z } from 'zod';

export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
export const text = (max: number) => z.string().max(max);
export const seed = z.union([z.number(), text(1000)]);
/** Months of a run, as the scenario schema bounds them. */
export const months = int(1, 1200);
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 hexadecimal digits' });
/** summary.json and fit.json write an empty statistic (NaN) as null; read back as NaN. */
export const statistic = z
  .number()
  .nullable()
  .transform((x) => x ?? NaN);

/** Which shakeout wrote the folder. Folders written before shakeout recorded its commit have neither git field: read as null (not known). */
export const provenanceFields = {
  shakeoutVersion: text(100),
  shakeoutCommit: z
    .string()
    .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, { error: 'expected a git commit: 40 or 64 hexadecimal digits' })
    .nullable()
    .default(null),
  shakeoutTreeModified: z.boolean().nullable().default(null),
};

/** How a collection folder (comparison, sweep, calibration) was written: the command line, Node's version, when and how long. */
export const invocationFields = {
  command: z.array(text(100_000)).max(10_000),
  nodeVersion: text(100),
  createdAt: z.iso.datetime(),
  wallTimeSeconds: z.number().min(0),
};
