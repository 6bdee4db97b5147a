import type { Command } from 'commander';
import { compile } from '../../model/compile.js';
import { loadScenario } from '../../scenario/load.js';
import { metricsText, scenarioMetrics } from '../metric-tables.js';

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .summary("list a scenario's metric names with kind, unit and meaning")
    .description(
      'List every metric a run of the scenario records (the names timeseries.csv, expectations and `chart --metric` take), ' +
        'with its kind (stock, month, cumulative), unit and meaning. Per-provider and per-class families are expanded for this scenario.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--json', 'print them as a JSON array on stdout')
    .addHelpText('after', '\nExamples:\n  $ shakeout metrics scenarios/china-2024-openai-exit.yaml\n  $ shakeout metrics scenarios/minimal.yaml --json\n')
    .action((file: string, options: { json?: boolean }) => {
      const compiled = compile(loadScenario(file).scenario);
      const metrics = scenarioMetrics({ providers: compiled.providers.map((p) => p.id), classes: compiled.classes.ids, vouchers: compiled.vouchers.length > 0 });
      process.stdout.write((options.json ? JSON.stringify(metrics, null, 2) : metricsText(metrics)) + '\n');
    });
}
