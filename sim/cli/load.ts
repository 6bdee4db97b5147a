/**
 * The CLI's scenario loader: the scenario layer's, with the model's metric
 * names handed in, so an expectation naming a metric the scenario does not
 * record is reported with every other problem of the file, at its line.
 */
import { metricLayout } from '../model/metrics.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';

/** Reads and checks `file` (and the files it extends). @throws ScenarioError with every problem */
export function loadChecked(file: string): LoadedScenario {
  return loadScenario(file, { metricNames: metricLayout });
}
