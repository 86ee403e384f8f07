// The checkpoint thread (see checkpointer.ts): its own connection to the database file, which
// copies committed WAL frames into the database on request, so the main thread's commits never
// carry a checkpoint (its reads, writes and two fsyncs) themselves.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../native/sqlite';

const { file } = workerData as { file: string };
const port = parentPort;
if (!port) throw new Error('checkpoint-worker runs as a worker thread');
const sqlite = openSqlite(file, { fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');

port.on('message', (message: unknown) => {
  if (message === 'close') {
    sqlite.close();
    port.close();
    return;
  }
  try {
    // PASSIVE: copies what it can without waiting for, or blocking, the writer or readers.
    const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    port.postMessage({ ok: true, busy: row!.busy, log: row!.log, checkpointed: row!.checkpointed });
  } catch (error) {
    port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
