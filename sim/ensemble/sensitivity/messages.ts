/**
 * Messages of the sensitivity analysis: one line each, saying what is wrong
 * and what is allowed. Parameter names come from a scenario, so they go
 * through printable().
 */
import { printable } from '../../printable.js';

export const tooManyDimensions = (asked: number, most: number) =>
  `the Sobol' sequence here has ${most} dimensions, and ${asked} were asked for`;

export const badPointCount = (what: string, value: number, most: number) =>
  `${what}: expected a whole number from 0 to ${most}, got ${value}`;

export const tooManyParameters = (asked: number, most: number) =>
  `a Sobol' design takes at most ${most} parameters (2 dimensions of the sequence each), got ${asked}`;

export const badRange = (name: string, lo: number, hi: number) =>
  `parameter ${printable(name, 80)}: its range needs finite lo < hi, got [${lo}, ${hi}]`;

export const noParameters = () => 'a sensitivity design needs at least one parameter';

export const wholeAtLeast = (what: string, least: number, value: number) =>
  `${what}: expected a whole number ≥ ${least}, got ${value}`;

export const outputCountMismatch = (expected: number, got: number) =>
  `expected one output per design point (${expected}), got ${got}`;

export const unevenReplications = (point: number, expected: number, got: number) =>
  `design point ${point} has ${got} replications, the first has ${expected}: every point needs the same number`;

export const oddLevels = (levels: number) => `Morris levels: expected an even whole number ≥ 2, got ${levels}`;
