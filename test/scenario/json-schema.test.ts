import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../sim/scenario/json-schema.js';

describe('scenarios/scenario.schema.json', () => {
  it('is the schema generated from the zod schema (regenerate with `npm run build && npm run schema`)', () => {
    const committed = readFileSync(new URL('../../scenarios/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('describes the input side: defaulted fields are optional', () => {
    const schema = scenarioJsonSchema() as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(['start', 'months', 'providers', 'classes', 'startups']);
    expect(schema.additionalProperties).toBe(false);
  });
});
