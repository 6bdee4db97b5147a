/** Folders as a killed shakeout leaves them: with the owner record (`lock`) of a process that no longer runs. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { OwnerRole } from '../../sim/output/ownership.js';

/** The id of a process that has ended (a child that exited at once). */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** Makes folder `dir` holding the owner record of a dead process of this host, made for `target`. */
export function leftover(dir: string, role: OwnerRole, target: string, record: { pid?: number; host?: string; path?: string } = {}): string {
  mkdirSync(dir);
  const owner = { format: 'shakeout-lock/1', role, pid: record.pid ?? deadPid(), host: record.host ?? hostname(), target: resolve(target), path: resolve(record.path ?? dir) };
  writeFileSync(join(dir, 'lock'), JSON.stringify(owner) + '\n');
  return dir;
}
