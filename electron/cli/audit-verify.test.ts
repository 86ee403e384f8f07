// `npm run audit:verify` against a real data folder: exit 0 when intact, 3 naming the row when not.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestHost, REPO_ROOT, type TestHost } from '../testing/harness';
import { openSqlite } from '../../native/sqlite';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function verify(dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron', 'cli', 'index.ts'), 'audit', 'verify', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

describe('delegate audit verify', () => {
  it('says the chain is intact and exits 0, then names the tampered row and exits 3', async () => {
    t = await openTestHost();
    const admin = await t.signIn('admin');
    for (let i = 0; i < 3; i++) await t.ok(admin, 'settings.update', { siteName: `Hall ${i}` });
    const intact = verify(t.dataDir);
    expect(intact.stdout).toMatch(/Audit chain intact: \d+ entries checked/);
    expect(intact.status).toBe(0);

    const raw = openSqlite(join(t.dataDir, 'delegate.db'));
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 3").run();
    raw.close();
    const broken = verify(t.dataDir);
    expect(broken.stdout).toContain('BROKEN at row 3');
    expect(broken.status).toBe(3);
  });
});
