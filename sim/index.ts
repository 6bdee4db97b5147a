/**
 * The library's face. A scenario goes
 *
 *   loadScenario → compile → runReplication (one run, month by month via step)
 *                          → writeResultFolder (an ensemble, to disk)
 *                          → runReplications (an ensemble, into any sink, on
 *                            an executor that serves many scenarios)
 *
 * Everything here is deterministic given the scenario and its seed.
 */
export { loadScenario, parseScenario, type LoadedScenario } from './scenario/load.js';
export { scenarioSchema, type Scenario, type ScenarioInput } from './scenario/schema.js';
export { compile, type CompiledScenario } from './model/compile.js';
export { initWorld, runReplication } from './model/replication.js';
export { step } from './model/step.js';
export { metricFamilies, type MetricFamily } from './model/metrics.js';
export { runEnsemble, runReplications, type RunSink } from './ensemble/ensemble.js';
export { memorySink } from './ensemble/memory-sink.js';
export { replicationExecutor } from './ensemble/worker-pool.js';
export type { LoadedScenarioRuns, ReplicationExecutor } from './ensemble/executor.js';
export { checkExpectations } from './ensemble/expectations.js';
export type { ExpectationResult, Verdict } from './output/result-types.js';
export { writeResultFolder } from './ensemble/run-to-folder.js';
export { readResultFolder } from './output/read-folder.js';
export { ModelError, ScenarioError, UsageError, formatDiagnostic, type Diagnostic } from './errors.js';
