// The one door to the better-sqlite3 addon. Loading it can fail because the compiled binary was
// built for another runtime (Node for tests and the headless host, Electron for the desktop app):
// that failure becomes a NativeAbiError whose message names the exact command that fixes it.
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
type SqliteConstructor = typeof BetterSqlite3;

export class NativeAbiError extends Error {
  override readonly name = 'NativeAbiError';
  constructor(
    message: string,
    readonly fixCommand: string,
  ) {
    super(message);
  }
}

/** Which runtime is loading us, and the command that rebuilds the addon for it. */
export function runtimeFix(versions: NodeJS.ProcessVersions = process.versions): {
  runtime: 'Electron' | 'Node';
  command: string;
} {
  return versions.electron
    ? { runtime: 'Electron', command: 'npm run rebuild:electron' }
    : { runtime: 'Node', command: 'npm run rebuild:node' };
}

/** Turns a failed require of a native addon into a message a person can act on. */
export function explainLoadError(
  addon: string,
  error: unknown,
  versions: NodeJS.ProcessVersions = process.versions,
): Error {
  const text = error instanceof Error ? error.message : String(error);
  const { runtime, command } = runtimeFix(versions);
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(text);
  if (abi || /was compiled against a different Node\.js version|invalid ELF header|wrong ELF class/.test(text)) {
    const built = abi ? ` (built for ABI ${abi[1]}, this ${runtime} needs ABI ${abi[2]})` : '';
    return new NativeAbiError(
      `The native module ${addon} was built for another runtime${built}. ` +
        `Run \`${command}\` in the Delegate folder, then start again.`,
      command,
    );
  }
  if (/Cannot find module|Could not locate the bindings file/.test(text)) {
    return new NativeAbiError(
      `The native module ${addon} is not installed or was never compiled. Run \`npm install\` ` +
        `(needs python3, make and a C++ compiler), then \`${command}\`.`,
      command,
    );
  }
  return error instanceof Error ? error : new Error(text);
}

let cached: SqliteConstructor | undefined;

/** Loads better-sqlite3 once, with the ABI check. */
export function loadSqlite(): SqliteConstructor {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require('better-sqlite3') as SqliteConstructor;
    // Loading the JS wrapper is lazy about the binary: open a memory DB to force it now.
    new cached(':memory:').close();
    return cached;
  } catch (error) {
    cached = undefined;
    throw explainLoadError('better-sqlite3', error);
  }
}

export function openSqlite(file: string, options?: BetterSqlite3.Options): SqliteDatabase {
  const Database = loadSqlite();
  return new Database(file, options);
}
