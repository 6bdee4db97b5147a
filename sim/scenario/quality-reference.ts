/**
 * The parts of a quality reference (MODEL.md section 4), outside the schema
 * so that the model reads them without loading zod (set-place.ts says why).
 */

/** The parts of a quality reference as written (a number, or a map whose fields may be missing when it is a `set` value). */
export function qualityReferenceParts(q: number | { value?: number; frontierWeight?: number }): { value: number; frontierWeight: number } {
  return typeof q === 'number' ? { value: q, frontierWeight: 0 } : { value: q.value ?? 1, frontierWeight: q.frontierWeight ?? 0 };
}
