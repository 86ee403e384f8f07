// Starts a worker thread from one of the main process's own modules. Built (electron-vite), each
// worker is an entry of its own beside the main bundle (out/main/<name>.js, see
// electron.vite.config.ts); in development, tests and `tsx` scripts the thread loads the
// TypeScript source through tsx's require hook.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * name: the entry's name (e.g. 'checkpoint-worker'); sourceDir: the folder of its .ts source
 * (the caller's __dirname). The built bundle may put the caller in out/main or out/main/chunks.
 */
export function spawnWorkerScript(name: string, sourceDir: string, options: WorkerOptions = {}): Worker {
  for (const dir of [sourceDir, join(sourceDir, '..')]) {
    const built = join(dir, `${name}.js`);
    if (existsSync(built)) return new Worker(built, options);
  }
  const source = join(sourceDir, `${name}.ts`);
  if (!existsSync(source)) throw new Error(`The worker script ${name} is missing (no ${name}.js or .ts near ${sourceDir})`);
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(source)});`, { ...options, eval: true });
}

/** Asks a worker to close (its connection first) with `message`, and ends it after `graceMs` should it not exit. */
export async function closeWorker(worker: Worker, message: unknown = 'close', graceMs = 2000): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(message);
  const timeout = setTimeout(() => void worker.terminate(), graceMs);
  await exited;
  clearTimeout(timeout);
}
