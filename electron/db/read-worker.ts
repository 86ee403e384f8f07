// The background reader's thread (see background-reader.ts): its own read-only connection to the
// database file, which answers a fixed set of named read queries. WAL lets it read a consistent
// snapshot while the main connection writes, so a query that scans a whole table (counting
// 100,000 tasks by state) never holds the main thread, where the queue's commits run.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../native/sqlite';
import { READ_QUERIES, type ReadQueryName, type ReadReply, type ReadRequest } from './read-queries';

const { file } = workerData as { file: string };
const port = parentPort;
if (!port) throw new Error('read-worker runs as a worker thread');
const sqlite = openSqlite(file, { fileMustExist: true, readonly: true });
sqlite.pragma('busy_timeout = 5000');
const statements = new Map(Object.entries(READ_QUERIES).map(([name, sql]) => [name as ReadQueryName, sqlite.prepare(sql)]));

port.on('message', (message: ReadRequest | 'close') => {
  if (message === 'close') {
    sqlite.close();
    port.close();
    return;
  }
  let reply: ReadReply;
  try {
    const statement = statements.get(message.name);
    if (!statement) throw new Error(`no read query named ${String(message.name)}`);
    reply = { id: message.id, ok: true, rows: statement.all() };
  } catch (error) {
    reply = { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
