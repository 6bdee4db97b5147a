/**
 * Shared history in `compare` (sim/ensemble/shared-runs.ts): what-ifs that
 * coincide with the baseline up to some month fork from the baseline's
 * world there, and every file of the comparison folder is the same bytes as
 * when each scenario runs alone from the start, on one thread and on a pool.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeComparison } from '../../sim/ensemble/compare.js';
import { inlineExecutor, type ReplicationExecutor } from '../../sim/ensemble/executor.js';
import { packShared, unpackShared } from '../../sim/ensemble/shared-rows.js';
import { planSharing } from '../../sim/ensemble/shared-runs.js';
import { workerPool } from '../../sim/ensemble/worker-pool.js';
import { compile } from '../../sim/model/compile.js';
import { applyFlags } from '../../sim/cli/overrides.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { files } from '../folder-files.js';
import { tempDir } from '../output/tmp.js';

const script = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'sim', 'ensemble', 'replication-worker.js'));

/** The baseline and what-ifs: a `set` in month 3, a replaced campaign (month 2), a change at t = 0, and no change. */
function scenarios(dir: string) {
  copyFileSync('scenarios/minimal.yaml', join(dir, 'base.yaml'));
  const whatIf = (name: string, events: string) => writeFileSync(join(dir, `${name}.yaml`), `extends: base.yaml\nname: ${name}\nevents:\n${events}`);
  whatIf('cut', '  - { id: cut, at: 2024-09, set: { providers.rival.price: 3 } }\n');
  whatIf(
    'campaign',
    `  - id: rival-migration
    at: 2024-11
    campaign: { provider: rival, grant: 200, validity: 2, eligible: migrants, from: [leader], support: 0.8, budget: 5000, until: 2025-02 }
  - { id: better, at: 2025-01, set: { providers.budget.quality: { initial: 0.8, then: "quality" } } }
`,
  );
  whatIf('early', '  - { id: cut, at: 2024-06, set: { providers.rival.price: 3 } }\n');
  writeFileSync(join(dir, 'same.yaml'), 'extends: base.yaml\nname: same\n');
  return ['base', 'cut', 'campaign', 'early', 'same'].map((folder) => {
    const compiled = compile(applyFlags(loadScenario(join(dir, `${folder}.yaml`)).scenario, { runs: 4 }));
    return { folder, compiled, file: `${folder}.yaml` };
  });
}

/** Every file of a folder, the manifests without their times. */
function contents(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, bytes] of files(dir)) {
    if (!name.endsWith('manifest.json')) out.set(name, bytes.toString('base64'));
    else {
      const { createdAt: _c, wallTimeSeconds: _w, ...rest } = JSON.parse(bytes.toString('utf8'));
      out.set(name, JSON.stringify(rest));
    }
  }
  return out;
}

/** `executor`, counting the scenarios it loads alone (by folder) and the shared loads. */
function spying(executor: ReplicationExecutor, names: Map<object, string>) {
  const alone: string[] = [];
  const shared: string[][] = [];
  const spy: ReplicationExecutor = {
    concurrency: executor.concurrency,
    load(compiled) {
      alone.push(names.get(compiled)!);
      return executor.load(compiled);
    },
    loadShared(baseline, whatIfs) {
      shared.push([names.get(baseline)!, ...whatIfs.map((w) => `${names.get(w.compiled)}@${w.shared}`)]);
      return executor.loadShared!(baseline, whatIfs);
    },
    close: () => executor.close(),
  };
  return { spy, alone, shared };
}

describe('compare with shared history', () => {
  it('plans the months each what-if shares', () => {
    const [base, ...whatIfs] = scenarios(tempDir());
    expect(planSharing(base.compiled, whatIfs.map((w) => w.compiled), 4)).toEqual([3, 2, 0, 24]);
    // Within the memory budget only: the rows of one what-if's 4 runs are 4 × 24 × metrics × 8 bytes.
    const one = 4 * 24 * base.compiled.metricNames.length * 8;
    expect(planSharing(base.compiled, whatIfs.map((w) => w.compiled), 4, 2 * one)).toEqual([3, 2, 0, 0]);
  });

  it('packs and unpacks the rows of a group, a what-if left out where it failed', () => {
    const rows = [Float64Array.of(1, 2), null, Float64Array.of(5, 6)];
    expect(unpackShared(packShared(rows), 2, 2)).toEqual(rows);
  });

  it('writes every file as without sharing, on one thread and on two workers', async () => {
    const dir = tempDir();
    const [base, ...whatIfs] = scenarios(dir);
    const names = new Map<object, string>([base, ...whatIfs].map((s) => [s.compiled, s.folder]));
    const written: Map<string, string>[] = [];
    for (const workers of [1, 2]) {
      for (const sharedHistory of [false, true]) {
        const executor = workers === 1 ? inlineExecutor() : workerPool({ workers, script });
        const { spy, alone, shared } = spying(executor, names);
        try {
          const out = join(dir, `cmp-${workers}-${sharedHistory}`);
          await writeComparison(base, whatIfs, { out, executor: spy, sharedHistory, command: ['shakeout', 'compare'] });
          written.push(contents(out));
        } finally {
          await executor.close();
        }
        if (sharedHistory) {
          expect(shared).toEqual([['base', 'cut@3', 'campaign@2', 'same@24']]);
          expect(alone).toEqual(['early']);
        } else {
          expect(shared).toEqual([]);
          expect(alone).toEqual(['base', 'cut', 'campaign', 'early', 'same']);
        }
      }
    }
    const [reference, ...others] = written;
    expect(reference.size).toBeGreaterThan(20);
    for (const other of others) {
      expect([...other.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [name, bytes] of reference) expect(other.get(name), name).toBe(bytes);
    }
  }, 120_000);
});
