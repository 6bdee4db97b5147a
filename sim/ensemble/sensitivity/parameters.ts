/**
 * The parameters an analysis varies: each uniform on [lo, hi], in the units
 * of the scenario value it stands for.
 */
import { UsageError } from '../../errors.js';
import { badRange, noParameters } from './messages.js';

export interface ParameterRange {
  /** The scenario value path, e.g. `providers.zhipu.price`. */
  readonly name: string;
  /** Lower end of the range, in the value's units. */
  readonly lo: number;
  /** Upper end, > lo. */
  readonly hi: number;
}

/** Throws UsageError when the list is empty or a range is not finite with lo < hi. */
export function checkParameters(parameters: readonly ParameterRange[]): void {
  if (parameters.length === 0) throw new UsageError(noParameters());
  for (const p of parameters)
    if (!(Number.isFinite(p.lo) && Number.isFinite(p.hi) && p.lo < p.hi)) throw new UsageError(badRange(p.name, p.lo, p.hi));
}

/** A unit coordinate u in [0, 1] mapped onto the parameter's range. */
export function scaled(p: ParameterRange, u: number): number {
  return p.lo + (p.hi - p.lo) * u;
}
