// Bad arguments on the command line (an unknown flag, a missing value, a value the contract
// refuses): every command exits 2 for these, with its usage. Kept apart from commands.ts so the
// light commands (audit verify) need not load the services to throw one.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad arguments: exit 2 with the usage of the command. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** node:util's parseArgs throws TypeErrors with these codes for unknown or malformed options. */
export function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs (strict), with its refusals as UsageError. */
export function parseArgsOrUsage<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError((error as Error).message);
    throw error;
  }
}
