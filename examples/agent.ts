// An example software agent: joins Delegate through the gateway with an API key and does
// simulated work. `npm run agent:example -- --url http://127.0.0.1:4381 --key dlg_… [options]`
//
// It shows the SDK's whole life cycle: claim (long poll or WebSocket push), progress, heartbeats,
// cancellation through the AbortSignal, failures that are or are not worth a retry, and a
// graceful stop on Ctrl-C (no new claims, in-flight work finishes and reports).
import { parseArgs } from 'node:util';
import { DelegateAgent, DelegateClient, TaskFailure, type AgentEvent } from '../sdk';

const USAGE = `Usage: npm run agent:example -- --url <gateway> --key <api key> [options]
  --url <url>            gateway URL (default $DELEGATE_GATEWAY_URL or http://127.0.0.1:4381)
  --key <key>            API key with the agent scope (default $DELEGATE_API_KEY)
  --concurrency <n>      tasks at once (default 1)
  --transport <t>        poll (HTTP long poll, default) or websocket (pushed assignments)
  --work-ms <n>          simulated work per task, +/- 50% (default 500; payload.workMs overrides)
  --fail-rate <0..1>     share of attempts that fail (default 0); a third of those are not retryable
  --type <type>          with --submit: the task type to create (default demo.sleep)
  --submit <n>           first create n tasks of --type (needs the submit scope), then work
  --quiet                print only the summary at the end
  --help`;

function parse() {
  const { values } = parseArgs({
    strict: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      concurrency: { type: 'string' },
      transport: { type: 'string' },
      'work-ms': { type: 'string' },
      'fail-rate': { type: 'string' },
      type: { type: 'string' },
      submit: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const num = (name: string, text: string | undefined, fallback: number, min: number, max: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  const transport = values.transport ?? 'poll';
  if (transport !== 'poll' && transport !== 'websocket') throw new Error('--transport is poll or websocket');
  return {
    help: values.help ?? false,
    url: values.url ?? process.env.DELEGATE_GATEWAY_URL ?? 'http://127.0.0.1:4381',
    key: values.key ?? process.env.DELEGATE_API_KEY ?? '',
    concurrency: Math.floor(num('concurrency', values.concurrency, 1, 1, 1000)),
    transport: transport as 'poll' | 'websocket',
    workMs: num('work-ms', values['work-ms'], 500, 0, 3_600_000),
    failRate: num('fail-rate', values['fail-rate'], 0, 0, 1),
    type: values.type ?? 'demo.sleep',
    submit: Math.floor(num('submit', values.submit, 0, 0, 100_000)),
    quiet: values.quiet ?? false,
  };
}

/** Resolves after ms, or rejects as soon as the signal aborts (cancel, lost lease). */
function work(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`agent: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.key) {
    console.error(`agent: an API key is needed (--key or $DELEGATE_API_KEY)\n\n${USAGE}`);
    return 2;
  }

  const say = (line: string) => {
    if (!args.quiet) console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
  };
  const counts = { completed: 0, failed: 0, cancelled: 0, superseded: 0 };
  const onEvent = (e: AgentEvent) => {
    switch (e.type) {
      case 'connected':
        return say(`connected (${e.transport})`);
      case 'disconnected':
        return say(`disconnected: ${e.reason}; reconnecting`);
      case 'claimed':
        return say(`claimed ${e.task.id} ${e.task.type} attempt ${e.task.attempt}`);
      case 'completed':
        counts.completed++;
        return say(`completed ${e.task.id}`);
      case 'failed':
        counts.failed++;
        return say(`failed ${e.task.id}: ${e.message} (${e.retryable ? 'retryable' : 'final'}) -> ${e.state}`);
      case 'cancelled':
        counts.cancelled++;
        return say(`cancelled ${e.task.id}`);
      case 'superseded':
        counts.superseded++;
        return say(`dropped ${e.task.id}: ${e.reason}`);
      case 'error':
        return say(`error: ${e.error.message}`);
    }
  };

  const client = new DelegateClient({ url: args.url, key: args.key });
  let me;
  try {
    me = await client.whoami();
  } catch (error) {
    console.error(`agent: ${(error as Error).message}`);
    return 1;
  }
  say(`signed in as agent "${me.agent.name}" (scopes ${me.key.scopes.join(', ')}, capacity ${me.agent.capacity})`);

  if (args.submit > 0) {
    for (let i = 0; i < args.submit; i += 1000) {
      const n = Math.min(1000, args.submit - i);
      await client.createTasks(Array.from({ length: n }, (_, k) => ({ type: args.type, title: `${args.type} #${i + k + 1}`, payload: { n: i + k + 1 } })));
    }
    say(`submitted ${args.submit} tasks of type ${args.type}`);
  }

  const agent = new DelegateAgent({ url: args.url, key: args.key, concurrency: args.concurrency, transport: args.transport, onEvent });
  const stop = (signal: string) => {
    say(`${signal}: finishing in-flight work (${agent.inFlight}), no new claims`);
    void agent.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  await agent.run(async (task, ctx) => {
    const payload = (task.payload ?? {}) as { workMs?: unknown };
    const base = typeof payload.workMs === 'number' && payload.workMs >= 0 ? payload.workMs : args.workMs;
    const ms = Math.round(base * (0.5 + Math.random()));
    await work(ms / 2, ctx.signal);
    await ctx.progress({ percent: 50, message: 'half way' });
    await work(ms / 2, ctx.signal);
    if (Math.random() < args.failRate) {
      const retryable = Math.random() >= 1 / 3;
      throw new TaskFailure(retryable ? 'simulated glitch' : 'simulated bad input', { retryable, code: retryable ? 'glitch' : 'bad_input' });
    }
    return { workedMs: ms, by: me.agent.name, attempt: ctx.attempt };
  });
  console.log(`agent: stopped — ${counts.completed} completed, ${counts.failed} failed, ${counts.cancelled} cancelled, ${counts.superseded} dropped`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`agent: ${(error as Error).message}`);
    process.exit(1);
  },
);
