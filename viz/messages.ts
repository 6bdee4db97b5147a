/** User-facing messages of the charts and the report: one line each, saying what is wrong and how to fix it. */

export function unknownChartMetric(metric: string, known: readonly string[], close: readonly string[]): string {
  const hint = close.length ? `did you mean ${close.join(' or ')}? ` : '';
  return `--metric ${metric}: not a chartable metric of this result folder; ${hint}choose from ${known.join(', ')}`;
}

export function unknownFormat(format: string, known: readonly string[]): string {
  return `--format ${format}: unknown format; choose from ${known.join(', ')} (comma-separated)`;
}

export function unknownChart(name: string, known: readonly string[]): string {
  return `--only ${name}: unknown chart; choose from ${known.join(', ')} (comma-separated)`;
}

export function badWidth(text: string): string {
  return `--width ${text}: expected a width such as 3.5 (inches), 3.5in, 89mm, 8.9cm or 252pt, between 1 and 20 inches`;
}

export function badScale(text: string): string {
  return `--scale ${text}: expected a number of PNG pixels per point between 0.5 and 20 (4 gives 288 dpi)`;
}

export function missingMetric(dir: string, metric: string): string {
  return `${dir}: timeseries.csv has no ${metric}; was the folder written by another version of shakeout?`;
}

/**
 * A signal stopped the drawing after `drawn` of `total` charts; `complete`
 * when the result folder itself is finished (`shakeout run`), so only the
 * charts are missing. `command` draws them.
 */
export function chartsInterrupted(signal: string, drawn: number, total: number, folder: string, command: string, complete: boolean): string {
  const what = complete ? `the results in ${folder} are complete, but not all charts were drawn` : `${drawn} of ${total} charts drawn in ${folder}`;
  return `interrupted by ${signal}: ${what}; to draw them, run: ${command}`;
}

/** A flag that chooses among a result folder's charts, given for a comparison or sweep folder. */
export function notForCollections(flag: string, dir: string, kind: string): string {
  return `${flag}: chooses among the charts of a result folder, but ${dir} is ${kind}, whose charts are all drawn; leave ${flag} out, or give one of its result folders`;
}
