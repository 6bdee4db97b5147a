/**
 * The published JSON Schema of scenario files, generated from the zod
 * schema (the input side: defaults are optional). Editors use it to
 * complete and check scenario files; `scenarios/scenario.schema.json` is
 * this, written by `write-json-schema.ts`.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

export function scenarioJsonSchema(): object {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input' }),
    title: 'shakeout scenario',
    description: 'A shakeout scenario file (YAML or JSON); see docs/model.md, "Scenario files".',
  };
}

/** The file's exact text: two-space indented, with a trailing newline. */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}
