/** --debug: the message once (the CLI prints it), then only the stack frames, escaped. */
import { describe, expect, test } from 'vitest';
import { stackFrames } from '../../sim/cli/debug.js';
import { ScenarioError, UsageError } from '../../sim/errors.js';

describe('stackFrames', () => {
  test('the frames only: not the name and message the stack starts with, even over several lines', () => {
    const e = new ScenarioError([
      { file: 'x.yaml', line: 3, path: 'runs', message: 'expected a number' },
      { file: 'x.yaml', line: 4, path: 'months', message: 'expected a number' },
    ]);
    const frames = stackFrames(e);
    expect(frames).not.toContain('x.yaml');
    expect(frames).not.toContain('ScenarioError');
    const lines = frames.split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\s+at /);
    expect(frames).toContain('debug.test.ts');
  });

  test('a frame cannot send escape sequences to the terminal', () => {
    const e = new UsageError('bad');
    e.stack = 'UsageError: bad\n    at run (/tmp/\u001b[2Jx.js:1:1)';
    expect(stackFrames(e)).toBe('    at run (/tmp/\\u001b[2Jx.js:1:1)');
  });

  test('no frames: nothing', () => {
    const e = new UsageError('bad');
    e.stack = 'UsageError: bad';
    expect(stackFrames(e)).toBe('');
  });
});
