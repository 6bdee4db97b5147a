/**
 * Writes the scenario JSON Schema (default `scenarios/scenario.schema.json`,
 * relative to the working directory; `npm run schema` runs it from the
 * package root). A test checks the committed file is current.
 */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from './json-schema.js';

const target = process.argv[2] ?? 'scenarios/scenario.schema.json';
writeFileSync(target, scenarioJsonSchemaText());
