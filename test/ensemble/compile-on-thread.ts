// Compiles a scenario on a worker thread of its own, as the pool's workers
// do (compile-in-thread.mjs), and says what that loaded there.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const dist = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist')).href;

export interface OnThread {
  months: number;
  mathjs: boolean;
  zod: boolean;
}

/** data: { scenario, expressions? (the checked trees; absent: parse the text), alsoImport? (a module of dist/ first) }. */
export function compileOnThread(data: object): Promise<OnThread> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./compile-in-thread.mjs', import.meta.url), { workerData: { dist, ...data } });
    worker.once('message', (m: OnThread) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
