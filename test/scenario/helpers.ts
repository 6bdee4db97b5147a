import { ScenarioError } from '../../sim/errors.js';
import { parseScenario, type LoadedScenario } from '../../sim/scenario/load.js';

/** One line per class field, so a test can override the class in one line. */
export const smallClass =
  '{ share: 1, cash: { median: 150000, sigma: 0.8 }, revenue: { median: 8000, sigma: 1 }, ' +
  'opex: { median: 20000, sigma: 0.6 }, tokens: { median: 50, sigma: 1.2 }, growth: { mean: 0.02, sd: 0.05 }, ' +
  'switchCost: { median: 20000, sigma: 0.5 }, hazard: 0.01, disruption: { months: 2, loss: 0.3 }, reconsider: 0.05, ' +
  'precision: 8, network: 0.5, qualityElasticity: 2, funding: { probability: 0.6, months: 18 } }';

/** The top-level sections of a minimal valid scenario. */
const sections: Record<string, string> = {
  start: 'start: 2024-06',
  months: 'months: 12',
  providers: [
    'providers:',
    '  - { id: openai, price: 5, quality: 1, unitCost: 2, cash: 1e12 }',
    '  - { id: zhipu, price: 1, quality: 0.85, unitCost: 0.3, cash: 3e8 }',
  ].join('\n'),
  classes: `classes:\n  small: ${smallClass}`,
  startups: 'startups: { initial: 100 }',
};

/**
 * A scenario whose first lines are `head` (so the lines a test is about
 * are numbered from 1), completed with the sections `head` does not write.
 */
export function scenario(head: string): string {
  const text = dedent(head);
  const written = new Set([...text.matchAll(/^([A-Za-z]+):/gm)].map((m) => m[1]));
  const rest = Object.entries(sections).filter(([key]) => !written.has(key)).map(([, section]) => section);
  return [text, ...rest].filter((s) => s !== '').join('\n') + '\n';
}

/** Strips the indentation common to all non-blank lines and a leading newline. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)?.[0].length ?? 0));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/** A `readFile` over in-memory files, throwing like the file system for a missing one. */
export function files(contents: Record<string, string>): (path: string) => string {
  return (path) => {
    if (!Object.hasOwn(contents, path)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return dedent(contents[path]) + '\n';
  };
}

/** The ScenarioError's message (one line per problem) from parsing, or fails the test when it parses. */
export function problems(text: string, file = 'x.yaml', readFile?: (path: string) => string): string {
  try {
    parseScenario(text, file, readFile);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('expected a ScenarioError, but the scenario loaded');
}

export function load(text: string, file = 'x.yaml', readFile?: (path: string) => string): LoadedScenario {
  return parseScenario(text, file, readFile);
}
