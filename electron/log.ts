// Structured logs (pino). On disk: <data-dir>/logs/delegate.N.log, rotated daily and at 10 MB,
// 14 files kept, written by pino-roll in a worker thread so logging never blocks the engine.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  dataDir: string;
  /** Write rotated files in the data dir (the app) or not (tests). */
  toFile: boolean;
  /** Also print to stdout (the headless host). */
  toStdout?: boolean;
  level?: pino.LevelWithSilent;
}

export interface OwnedLogger {
  log: Logger;
  close(): Promise<void>;
}

export async function createLogger(options: LoggerOptions): Promise<OwnedLogger> {
  const level = options.level ?? 'info';
  const targets: pino.TransportTargetOptions[] = [];
  if (options.toFile) {
    const dir = join(options.dataDir, 'logs');
    mkdirSync(dir, { recursive: true });
    targets.push({
      target: 'pino-roll',
      level,
      options: { file: join(dir, 'delegate'), extension: '.log', frequency: 'daily', size: '10m', mkdir: true, limit: { count: 14 } },
    });
  }
  if (options.toStdout) targets.push({ target: 'pino/file', level, options: { destination: 1 } });
  if (targets.length === 0) {
    return { log: pino({ level: 'silent' }), close: async () => {} };
  }
  const transport = pino.transport({ targets });
  // Wait for the worker: a transport ended before it is ready leaves an exit hook behind.
  await new Promise<void>((resolve, reject) => {
    transport.once('ready', () => resolve());
    transport.once('error', reject);
  });
  const log = pino({ level, base: { app: 'delegate' } }, transport);
  return {
    log,
    close: () =>
      new Promise<void>((resolve) => {
        // A worker that is already gone never emits close. The timer is NOT unref'd: with
        // nothing else left, an unref'd wait would let the process exit before close resolves.
        const fallback = setTimeout(resolve, 2000);
        transport.once('close', () => {
          clearTimeout(fallback);
          resolve();
        });
        log.flush();
        transport.end();
      }),
  };
}
