/** The library's public face is small on purpose: this pins it, so a change to it is a decision. */
import { expect, it } from 'vitest';
import * as shakeout from '../sim/index.js';

it('exports exactly the public API', () => {
  expect(Object.keys(shakeout).sort()).toEqual(
    [
      'ModelError',
      'ScenarioError',
      'UsageError',
      'checkExpectations',
      'compile',
      'formatDiagnostic',
      'initWorld',
      'loadScenario',
      'metricFamilies',
      'parseScenario',
      'readResultFolder',
      'memorySink',
      'replicationExecutor',
      'runEnsemble',
      'runReplications',
      'runReplication',
      'scenarioSchema',
      'step',
      'writeResultFolder',
    ].sort(),
  );
});
