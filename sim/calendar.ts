/** Calendar months `YYYY-MM` and model months t (0 = the scenario's start). */

function parse(month: string): number {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return y * 12 + (m - 1);
}

/** Months from `start` to `month` (2024-06 → 2024-07 is 1). */
export function monthIndex(start: string, month: string): number {
  return parse(month) - parse(start);
}

/** The calendar month `YYYY-MM` of model month t. */
export function monthLabel(start: string, t: number): string {
  const n = parse(start) + t;
  const y = Math.floor(n / 12);
  const m = n - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}
