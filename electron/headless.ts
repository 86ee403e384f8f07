// `npm run serve`: the same host without Electron. Serves the built UI and the bridge over
// HTTP/WebSocket on 127.0.0.1 (or --host on purpose) for kiosks, LAN browsers and e2e tests,
// and the agent gateway on its own port (127.0.0.1 unless --gateway-host says otherwise).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Password } from '../preload/contract';
import { createHost, ADMIN_USERNAME, type Host } from './host';
import { defaultDataDir, findAppRoot } from './paths';
import { DEFAULT_GATEWAY_PORT, gatewayDepsOf, startGateway, type Gateway } from './gateway/server';
import { startHttpServer, type HttpServer } from './server/http';

export const HEADLESS_USAGE = `Usage: npm run serve -- [options]
  --port <n>              HTTP port (default 4380; 0 picks a free one)
  --host <addr>           address to listen on (default 127.0.0.1; use 0.0.0.0 to serve the LAN on purpose)
  --data-dir <dir>        data folder (default: $DELEGATE_DATA_DIR or the per-user Delegate folder)
  --admin-password <pw>   first run: create user "admin" with this password
  --setup-in-ui           first run: let the browser's setup screen create the first admin
  --gateway-port <n>      agent gateway port (default ${DEFAULT_GATEWAY_PORT}; 0 picks a free one)
  --gateway-host <addr>   gateway address (default 127.0.0.1; 0.0.0.0 lets agents on the LAN in, on purpose)
  --gateway-rate <n>      requests per second per API key (default 500; 0 turns the limit off)
  --gateway-burst <n>     requests per API key allowed at once (default 2 x rate)
  --no-gateway            do not start the agent gateway
  --task-lease-ms <n>     how long a running task's lease lasts without a heartbeat (default 30000)
  --log-level <level>     fatal|error|warn|info|debug|trace (default info)
  --json                  once listening, print one line for scripts instead of the text:
                          {"url","gatewayUrl" (null with --no-gateway),"dataDir","firstRunPassword"?};
                          errors go to stderr as {"error":{"code","message"}}
  --help`;

const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(4380),
  host: z.string().min(1).default('127.0.0.1'),
  'data-dir': z.string().min(1).optional(),
  'admin-password': Password.optional(),
  'setup-in-ui': z.boolean().optional(),
  'gateway-port': z.coerce.number().int().min(0).max(65535).default(DEFAULT_GATEWAY_PORT),
  'gateway-host': z.string().min(1).default('127.0.0.1'),
  'gateway-rate': z.coerce.number().min(0).max(1_000_000).default(500),
  'gateway-burst': z.coerce.number().int().min(1).max(10_000_000).optional(),
  'no-gateway': z.boolean().optional(),
  'task-lease-ms': z.coerce.number().int().min(500).max(86_400_000).optional(),
  'log-level': z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  json: z.boolean().optional(),
  help: z.boolean().optional(),
});
export type HeadlessArgs = z.infer<typeof Args>;

export function parseHeadlessArgs(argv: string[]): HeadlessArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'admin-password': { type: 'string' },
      'setup-in-ui': { type: 'boolean' },
      'gateway-port': { type: 'string' },
      'gateway-host': { type: 'string' },
      'gateway-rate': { type: 'string' },
      'gateway-burst': { type: 'string' },
      'no-gateway': { type: 'boolean' },
      'task-lease-ms': { type: 'string' },
      'log-level': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export interface RunningHeadless {
  host: Host;
  server: HttpServer;
  /** Null with --no-gateway. */
  gateway: Gateway | null;
  stop(): Promise<void>;
}

export async function runHeadless(args: HeadlessArgs, appRoot: string): Promise<RunningHeadless> {
  const dataDir = args['data-dir'] ?? defaultDataDir();
  // node-opcua (robot links) keeps its PKI under XDG_CONFIG_HOME: keep it inside the data folder.
  process.env.XDG_CONFIG_HOME = join(dataDir, 'config');
  const host = await createHost({
    dataDir,
    mode: 'headless',
    appRoot,
    adminPassword: args['admin-password'],
    setupInUi: args['setup-in-ui'],
    logToFile: true,
    logLevel: args['log-level'],
    tasks: args['task-lease-ms'] ? { leaseMs: args['task-lease-ms'] } : undefined,
  });
  let server: HttpServer;
  try {
    server = await startHttpServer({
      bridge: host.bridge,
      log: host.log,
      rendererDir: join(appRoot, 'out', 'renderer'),
      host: args.host,
      port: args.port,
    });
  } catch (error) {
    await host.close();
    throw error;
  }
  let gateway: Gateway | null = null;
  if (!args['no-gateway']) {
    try {
      gateway = await startGateway(gatewayDepsOf(host), {
        host: args['gateway-host'],
        port: args['gateway-port'],
        rateLimit: { perSecond: args['gateway-rate'], burst: args['gateway-burst'] ?? Math.max(1, Math.ceil(args['gateway-rate'] * 2)) },
        version: host.version,
      });
    } catch (error) {
      await server.close();
      await host.close();
      throw error;
    }
  }
  let stopping: Promise<void> | null = null;
  return {
    host,
    server,
    gateway,
    stop: () =>
      (stopping ??= (async () => {
        // Running work may still report through the gateway while the queue drains.
        await gateway?.drain();
        await gateway?.close();
        await server.close();
        await host.close();
      })()),
  };
}

export async function headlessMain(argv: string[]): Promise<void> {
  // Known before the arguments parse, so that a usage error is JSON too.
  const json = argv.includes('--json');
  const fail = (code: 'usage' | 'failed', message: string, usage = false) =>
    console.error(json ? JSON.stringify({ error: { code, message } }) : `delegate: ${message}${usage ? `\n\n${HEADLESS_USAGE}` : ''}`);
  let args: HeadlessArgs;
  try {
    args = parseHeadlessArgs(argv);
  } catch (error) {
    fail('usage', (error as Error).message, true);
    process.exit(2);
  }
  if (args.help) {
    console.log(HEADLESS_USAGE);
    return;
  }
  let running: RunningHeadless;
  try {
    running = await runHeadless(args, findAppRoot(__dirname));
  } catch (error) {
    fail('failed', (error as Error).message);
    process.exit(1);
  }
  const { host, server } = running;
  const shutdown = (signal: string) => {
    // With --json, stdout holds only the one line a script parses.
    (json ? console.error : console.log)(`delegate: ${signal} received, shutting down`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        fail('failed', `shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  if (json) {
    const line = { url: server.url, gatewayUrl: running.gateway?.url ?? null, dataDir: host.dataDir, ...(host.firstRunPassword ? { firstRunPassword: host.firstRunPassword } : {}) };
    console.log(JSON.stringify(line));
    return;
  }
  if (host.firstRunPassword) {
    console.log(`First run: sign in as "${ADMIN_USERNAME}" with the one-time password ${host.firstRunPassword} and change it in Settings.`);
  }
  console.log(`Delegate headless host (data: ${host.dataDir}) listening on ${server.url}`);
  if (running.gateway) console.log(`gateway listening on ${running.gateway.url}`);
}

if (require.main === module) void headlessMain(process.argv.slice(2));
