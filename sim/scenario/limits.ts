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
