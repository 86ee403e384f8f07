// The `delegate` command line, for IT and scripts. Every command takes --data-dir and --json and
// works while the app runs on the same data (SQLite WAL + busy timeout; writes go through the
// same services and are audited as actor `cli`).
//
// Exit codes: 0 ok · 1 failed (a conflict, the database busy or unreadable, …) · 2 usage or
// invalid input (an unknown or malformed option too, in every command) · 3 audit chain broken ·
// 4 not found (no such user, agent, key, task or data).

export const EXIT = { ok: 0, failed: 1, usage: 2, verifyFailed: 3, notFound: 4 } as const;

export const CLI_USAGE = `Usage: delegate <command> [options]     (every command: --data-dir <dir>, --json)

  serve [--port --host --gateway-port --gateway-host --data-dir --admin-password --setup-in-ui ...]
                                   run the headless host and the agent gateway (serve --help);
                                   with --json, one line once listening: {"url","gatewayUrl",...}
  users add --username <u> --role <role> [--display-name <n>] [--password-stdin | --password <pw>]
  users list | users disable <username> | users enable <username>
  agents add --name <n> --kind software|robot|human [--skills weld:3,inspect:2] [--capacity <n>] [--tags a,b]
  agents list
  keys create --agent <name> [--scope agent,submit,admin] [--name <label>]   prints the key once
  keys list [--agent <name>] | keys revoke <id | dlg_prefix>
  tasks list [--status ready,running --type <t> --priority <p> --limit <n> --cursor <c>]
  tasks show <id> | tasks cancel <id> [--reason <text>]
  audit verify                     check the audit hash chain

Exit codes: 0 ok, 1 failed, 2 usage or invalid input, 3 audit chain broken, 4 not found.`;

/** Runs one command; resolves to the exit code, or -1 for a server that keeps running. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'serve') {
    const { headlessMain } = await import('../headless');
    await headlessMain(argv.slice(1));
    return -1;
  }
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(CLI_USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const json = argv.includes('--json');
  const { UsageError, isParseArgsError } = await import('./usage-error');
  try {
    const { processIo, usersCommand, agentsCommand, keysCommand, tasksCommand } = await import('./commands');
    switch (command) {
      case 'audit': {
        const { auditVerifyCommand, AUDIT_USAGE } = await import('./audit-verify');
        if (sub !== 'verify') throw new UsageError(`Unknown: audit ${sub ?? ''}\n${AUDIT_USAGE}`);
        return auditVerifyCommand(rest);
      }
      case 'users':
        return await usersCommand(sub, rest, processIo);
      case 'agents':
        return await agentsCommand(sub, rest, processIo);
      case 'keys':
        return await keysCommand(sub, rest, processIo);
      case 'tasks':
        return await tasksCommand(sub, rest, processIo);
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } catch (error) {
    const { AppError } = await import('../core/errors');
    let code: number = EXIT.failed;
    let data: { code: string; message: string; details?: unknown };
    // A parseArgs refusal that was not wrapped is still a usage error: exit 2, never 1.
    const usage = error instanceof UsageError || isParseArgsError(error);
    if (usage) {
      code = EXIT.usage;
      data = { code: 'usage', message: (error as Error).message };
    } else if (error instanceof AppError) {
      code = error.code === 'invalid_input' ? EXIT.usage : error.code === 'not_found' ? EXIT.notFound : EXIT.failed;
      data = error.toData();
    } else {
      data = { code: 'failed', message: (error as Error).message };
    }
    if (json) console.error(JSON.stringify({ error: data }));
    else console.error(`delegate: ${data.message}${usage ? `\n\n${CLI_USAGE}` : ''}`);
    return code;
  }
}

export function cliMain(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      console.error(`delegate: ${(error as Error).message}`);
      process.exit(EXIT.failed);
    },
  );
}

if (require.main === module) cliMain(process.argv.slice(2));
