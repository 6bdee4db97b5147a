/**
 * Limits on what a scenario file may ask of the loader, stated up front
 * (docs/security.md). Scenario files are untrusted input: each bound keeps
 * a hostile or broken file from hanging the loader or exhausting memory,
 * and is far above what a real scenario needs.
 *
 * Measured here (2 cores): the YAML parser takes ~6 µs per value, so the
 * byte and value bounds keep the worst file under ~2 s; its own duplicate
 * key check is quadratic (50,000 keys: 24 s), so keys are checked by the
 * loader instead (read-yaml.ts).
 */

/** Bytes of a scenario file and the files it extends, together. A real scenario is a few KiB. */
export const MAX_SCENARIO_BYTES = 512 * 1024;

/** Values (maps, lists and scalars, aliases expanded) in a scenario and its bases, together. */
export const MAX_SCENARIO_VALUES = 100_000;

/**
 * Bytes of text the scenario expands to, aliases counted as what they
 * expand to (every scalar and key, as UTF-8). Four times the file limit:
 * an anchor may repeat a block, not multiply the file. Without it one
 * 500 KB string aliased 990 times wrote a 496 MB manifest.json.
 */
export const MAX_EXPANDED_BYTES = 4 * MAX_SCENARIO_BYTES;

/**
 * Characters of an id (provider, class, event). Ids are joined into metric
 * names (`flows.<from>.<to>`, a million of them with 1,000 providers), paths
 * and messages; a real one is a word or two.
 */
export const MAX_ID_LENGTH = 64;

/**
 * Characters of a name: the scenario's, a provider's, an expectation's and
 * its metric (ids joined, `cohort.dead.<class>.on.<provider>.fraction`), and
 * a seed written as text. Names are titles of tables, charts and
 * summary.md; a sentence is plenty (a 500,000-character name took 77 s per chart).
 */
export const MAX_NAME_LENGTH = 200;

/** Characters of a description, of a source note and of the file named by `extends` (a path). A few paragraphs. */
export const MAX_TEXT_LENGTH = 10_000;

/** Files in an `extends` chain, the scenario itself included. */
export const MAX_EXTENDS_DEPTH = 16;

/** Providers, those at start and those that enter. Per-provider metrics grow as its square (`flows.<from>.<to>`). */
export const MAX_PROVIDERS = 1000;

/** Startup classes: the model keeps class sets as bits of a 32-bit integer (sim/model/compile.ts). */
export const MAX_CLASSES = 30;

/** Problems listed in one error; the rest are counted. */
export const MAX_DIAGNOSTICS = 50;

/** Extensions a file named by `extends` may have. */
export const SCENARIO_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];
