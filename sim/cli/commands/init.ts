import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { monthLabel } from '../../calendar.js';
import { UsageError } from '../../errors.js';
import { installationRoot } from '../../output/installation.js';
import { printable } from '../../printable.js';
import { loadScenario } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/schema.js';

/** The shipped scenario a new what-if extends unless --from names another. */
const DEFAULT_BASE = join('scenarios', 'china-2024-openai-exit.yaml');

/** A YAML double-quoted string: the text of a scenario name, escaped. */
const yamlString = (text: string) => JSON.stringify(text);

/**
 * The commented what-if: `extends` the base (by a path relative to the new
 * file), one `set` event that halves the first class's switching cost
 * three months in, and one expectation about it. Every line says what it
 * is for, so the file is its own tutorial.
 */
export function whatIfText(base: Scenario, extendsPath: string): string {
  const [firstClass] = Object.keys(base.classes);
  const cost = base.classes[firstClass].switchCost.median;
  const at = monthLabel(base.start, Math.min(3, base.months - 1));
  const baseName = base.name ?? 'the base scenario';
  const comment = (line: string, note: string) => `${line.padEnd(34)} # ${note}`;
  return `# A what-if: ${baseName}, changed by one policy. Edit it, then compare it
# with its base (the file \`extends\` names, relative to this one):
#
#   shakeout compare <its base> <this file>
#
# Everything not written here comes from the base (\`extends\`); an event
# with the id of one of the base's events replaces it, \`{ id: …, drop: true }\`
# removes it. The format is in docs/model.md, section 11; \`shakeout metrics
# <this file>\` lists the metric names an expectation can test.

name: ${yamlString(`${baseName}: my what-if`)}
description: >-
  An interoperability mandate: from ${at}, switching providers costs the
  ${firstClass} startups half as much.
extends: ${yamlString(extendsPath)}

events:
${comment('  - id: my-mandate', 'ids name events in messages and in --set paths')}
${comment(`    at: ${at}`, 'the calendar month it takes effect (YYYY-MM)')}
${comment('    set:', 'numeric values of the scenario, by path, from that month on')}
${comment(`      classes.${firstClass}.switchCost.median: ${cost / 2}`, `was ${cost} in the base`)}

expect:                            # claims \`shakeout check\` and \`run\` test over the replications
  - name: the mandate keeps the market below "highly concentrated"
    metric: hhi.tokens             # HHI of tokens served, 0–10 000
    at: end                        # a month (YYYY-MM) or the last one
    op: "<"
    value: 1800                    # the 2023 US Merger Guidelines' threshold
    probability: 0.5               # in at least half of the runs
`;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .summary('write a commented what-if scenario that extends a shipped one')
    .description(
      'Write a new scenario file: a what-if that `extends` a scenario (by default the shipped 2024 exit scenario), with one ' +
        'example policy event (a `set` that halves a class\'s switching cost) and one expectation, every line commented, ' +
        'and check that it loads. Never replaces an existing file.',
    )
    .argument('<file>', 'the scenario file to write, e.g. my-policy.yaml')
    .option('--from <scenario>', `the scenario it extends (default: the shipped ${DEFAULT_BASE})`)
    .addHelpText('after', '\nExamples:\n  $ shakeout init my-policy.yaml\n  $ shakeout init what-if.yaml --from scenarios/minimal.yaml\n')
    .action((file: string, options: { from?: string }) => {
      if (existsSync(file)) throw new UsageError(`${printable(file)} already exists: shakeout init never replaces a file; choose another name`);
      const root = installationRoot();
      const from = options.from ?? (root ? join(root, DEFAULT_BASE) : DEFAULT_BASE);
      const base = loadScenario(from).scenario;
      // Relative when the base is below the working folder (a clone's scenarios/), so the pair moves together;
      // else absolute (an installed package's scenario), so the new file can move on its own.
      const below = !relative(process.cwd(), resolve(from)).startsWith('..');
      const fromHere = relative(dirname(resolve(file)), resolve(from)).split(sep).join('/');
      const text = whatIfText(base, below ? (fromHere.startsWith('.') ? fromHere : `./${fromHere}`) : resolve(from));
      // Exclusive: a file that appeared since the check above is not overwritten either.
      let fd: number;
      try {
        fd = openSync(file, 'wx');
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new UsageError(`cannot write ${printable(file)}: ${code === 'EEXIST' ? 'it already exists' : (code ?? 'failed')}`);
      }
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      try {
        loadScenario(file);
      } catch (e) {
        rmSync(file, { force: true }); // ours: created above, exclusively
        throw e;
      }
      process.stderr.write(`wrote ${printable(file)}: a what-if extending ${printable(from)}; compare it with: shakeout compare ${printable(from)} ${printable(file)}\n`);
    });
}
