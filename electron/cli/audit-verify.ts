// `npm run audit:verify` / `delegate audit verify`: checks the audit hash chain of a data folder
// (read-only; safe while the app runs) and names the first tampered row. Exit 0 intact, 3 not;
// 2 for bad arguments, 4 for a folder without Delegate data.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../native/sqlite';
import { systemClock } from '../core/clock';
import { notFound } from '../core/errors';
import { defaultDataDir } from '../paths';
import { AuditLog } from '../security/audit-log';
import { parseArgsOrUsage } from './usage-error';

export const AUDIT_USAGE = 'delegate audit verify [--data-dir <dir>] [--json]';

export function auditVerifyCommand(argv: string[]): number {
  const { values } = parseArgsOrUsage({ args: argv, strict: true, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (!existsSync(join(dataDir, 'delegate.db'))) throw notFound(`No Delegate data in ${dataDir} (no delegate.db): check --data-dir`);
  const sqlite = openSqlite(join(dataDir, 'delegate.db'), { readonly: true, fileMustExist: true });
  try {
    const result = new AuditLog(sqlite, systemClock, () => '').verify();
    if (values.json) console.log(JSON.stringify(result));
    else if (result.ok) console.log(`Audit chain intact: ${result.checked} entries checked.`);
    else console.log(`Audit chain BROKEN at row ${result.firstBadSeq}: ${result.problem} (${result.checked} entries before it are intact).`);
    return result.ok ? 0 : 3;
  } finally {
    sqlite.close();
  }
}

// Run on its own: the same exit codes and messages as `delegate audit verify`.
if (require.main === module) void import('./index').then(({ cliMain }) => cliMain(['audit', 'verify', ...process.argv.slice(2)]));
