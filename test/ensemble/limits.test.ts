/**
 * Up-front refusals of runs that cannot fit (sim/ensemble/limits.ts): the
 * machine's memory, and the 4 GiB of records one replication can address.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../sim/errors.js';
import { assertResources } from '../../sim/ensemble/limits.js';
import { grouped } from '../../sim/grouped.js';
import { MAX_STARTUPS } from '../../sim/model/startups.js';
import { degenerateClass, scenario } from '../model/helpers.js';

const world = (initial: number) =>
  scenario({ months: 12, runs: 1, providers: [{ id: 'a', price: 1, quality: 1, unitCost: 0.1, cash: 1e9 }], classes: { small: degenerateClass() }, startups: { initial } });

describe('limits', () => {
  it('refuses more startups than one replication can hold, whatever the memory', () => {
    const s = world(MAX_STARTUPS + 1);
    expect(() => assertResources(s, { file: 'big.yaml', availableBytes: 1e15 })).toThrow(UsageError);
    expect(() => assertResources(s, { file: 'big.yaml', availableBytes: 1e15 })).toThrow(
      new RegExp(`^big\\.yaml: startups: a replication would hold about ${grouped(MAX_STARTUPS + 1)} startups .* more than the ${grouped(MAX_STARTUPS)} that fit in its 4 GiB of startup records; lower `),
    );
  });

  it('lets the largest table through', () => {
    expect(assertResources(world(MAX_STARTUPS), { availableBytes: 1e15 }).startups).toBe(MAX_STARTUPS);
  });
});
