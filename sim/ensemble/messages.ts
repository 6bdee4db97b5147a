/** User-facing messages of the ensemble: one line each, saying what is wrong and how to fix it. */

export function unknownExpectationMetric(expectation: string, metric: string, suggestions: readonly string[]): string {
  const hint = suggestions.length ? ` (did you mean ${suggestions.join(', ')}?)` : '';
  return `expect.${expectation}: no metric named "${metric}"${hint}`;
}

export function expectationMonthOutside(expectation: string, at: string, first: string, last: string): string {
  return `expect.${expectation}: at ${at} is outside the run (${first} to ${last}); use a month in that range or "end"`;
}

export function badRunCount(runs: number): string {
  return `runs: expected a whole number ≥ 1, got ${runs}`;
}
