// The `delegate` command line. Today: serve and audit verify; later issues add more.

export const CLI_USAGE = `Usage: delegate <command> [options]
  serve [--port --host --data-dir --admin-password --setup-in-ui]   run the headless host
  audit verify [--data-dir <dir>] [--json]                           check the audit hash chain`;

/** Runs one command; resolves to the exit code, or -1 for a server that keeps running. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'serve') {
    const { headlessMain } = await import('../headless');
    await headlessMain(argv.slice(1));
    return -1;
  }
  if (command === 'audit' && sub === 'verify') {
    const { auditVerifyCommand } = await import('./audit-verify');
    return auditVerifyCommand(rest);
  }
  console.error(CLI_USAGE);
  return 2;
}

export function cliMain(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error: unknown) => {
      console.error(`delegate: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

if (require.main === module) cliMain(process.argv.slice(2));
