// The crash test's external agent (a separate process, through the SDK like any agent): it
// applies each task's effect by appending one line to its ledger file — task id, effect key
// (idempotency key), attempt — and then reports complete. The effect is idempotent by its key:
// the test counts distinct keys as applied effects, and every line as an execution.
//   node --import tsx electron/gateway/crash-agent.ts --url <gateway> --key <key> --ledger <file>
//        [--concurrency n] [--transport poll|websocket] [--seed n]
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DelegateAgent } from '../../sdk';

const { values } = parseArgs({
  strict: true,
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    ledger: { type: 'string' },
    concurrency: { type: 'string' },
    transport: { type: 'string' },
    seed: { type: 'string' },
  },
});
if (!values.url || !values.key || !values.ledger) {
  console.error('crash-agent: --url, --key and --ledger are required');
  process.exit(2);
}
const ledger = values.ledger;

// Seeded (mulberry32): the work times replay.
let s = Number(values.seed ?? 1) >>> 0;
const random = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const agent = new DelegateAgent({
  url: values.url,
  key: values.key,
  concurrency: Number(values.concurrency ?? 4),
  transport: values.transport === 'websocket' ? 'websocket' : 'poll',
  waitMs: 2000,
  retryBaseMs: 100,
  retryMaxMs: 500,
  random,
});

process.once('SIGTERM', () => void agent.stop());
process.once('SIGINT', () => void agent.stop());

agent
  .run(async (task, ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(random() * 40)));
    if (ctx.signal.aborted) throw new Error('aborted');
    // The effect: one append per execution (O_APPEND keeps concurrent lines whole).
    appendFileSync(ledger, `${JSON.stringify({ taskId: task.id, key: ctx.effectKey, attempt: ctx.attempt, pid: process.pid })}\n`);
    return { effect: ctx.effectKey, attempt: ctx.attempt };
  })
  .then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`crash-agent: ${(error as Error).message}`);
      process.exit(1);
    },
  );
