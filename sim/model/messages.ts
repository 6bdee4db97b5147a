/**
 * The model's user-facing messages: why a run cannot continue. Each names
 * the value (its path in the scenario) and the month; the ModelError that
 * carries it also carries the value's place in the document, so the CLI
 * prefixes the file and line, and the ensemble appends the replication
 * (docs/errors.md). Quoted expressions go through quote(): one line.
 */
import { quote } from '../printable.js';

/** `in 2024-09 (t = 3)`. */
const when = (month: string, t: number) => `in ${month} (t = ${t})`;

/** A provider field's expression gave a value that is not a finite number ≥ 0 (price, quality, unit cost, …). */
export const badProviderField = (id: string, field: string, source: string, value: number, month: string, t: number) =>
  `providers.${id}.${field}: ${quote(source, 200)} gave ${value} ${when(month, t)}; expected a finite number ≥ 0`;

/** A provider's funding amount expression gave NaN or an infinity. */
export const badFundingAmount = (id: string, source: string, value: number, month: string, t: number) =>
  `providers.${id}.funding.amount: ${quote(source, 200)} gave ${value} ${when(month, t)}; expected a finite number`;

/** A class's funding-climate expression gave NaN. */
export const badClassFunding = (id: string, source: string, value: number, month: string, t: number) =>
  `classes.${id}.funding.probability: ${quote(source, 200)} gave ${value} ${when(month, t)}; expected a number`;

/** The expected number of entrants is past what the arrays may hold. */
export const tooManyEntrants = (mean: number, month: string, t: number, max: number) =>
  `startups.entry: the expected number of entrants is ${mean} ${when(month, t)}, above ${max}; check the providers' quality and entry.qualityElasticity`;
