// The peers a benchmark measures against (BullMQ) are not dependencies of Delegate: they are
// installed into bench/peers/ on first use, so `npm ci` of the app never pulls them in.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const PEERS_DIR = join(__dirname, 'peers');

export interface BullJob<T> {
  data: T;
}
export interface BullQueue {
  add(name: string, data: unknown): Promise<unknown>;
  addBulk(jobs: { name: string; data: unknown }[]): Promise<unknown>;
  close(): Promise<void>;
}
export interface BullWorker {
  on(event: 'completed', listener: () => void): unknown;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}
export interface BullMq {
  Queue: new (name: string, options: { connection: object }) => BullQueue;
  Worker: new <T>(
    name: string,
    processor: (job: BullJob<T>) => Promise<void>,
    options: { connection: object; concurrency: number; autorun?: boolean },
  ) => BullWorker;
}

/** Loads BullMQ from bench/peers, installing it there first if needed (npm registry). */
export function loadBullmq(): BullMq {
  const entry = join(PEERS_DIR, 'node_modules', 'bullmq');
  if (!existsSync(entry)) {
    console.log('installing the benchmark peers (bullmq, ioredis) into bench/peers …');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: PEERS_DIR, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not install bullmq into bench/peers (npm install failed)');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(entry) as BullMq;
}
