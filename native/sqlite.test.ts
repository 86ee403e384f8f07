import { describe, expect, it } from 'vitest';
import { explainLoadError, NativeAbiError, openSqlite } from './sqlite';

const nodeVersions = { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions;
const electronVersions = { ...process.versions, electron: '45.4.1' } as NodeJS.ProcessVersions;
const abiMessage =
  "The module '/x/better_sqlite3.node' was compiled against a different Node.js version using\n" +
  'NODE_MODULE_VERSION 139. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling';

describe('native addon door', () => {
  it('opens a real SQLite database under Node', () => {
    const db = openSqlite(':memory:');
    expect(db.prepare('select 1 + 1 as two').get()).toEqual({ two: 2 });
    db.close();
  });

  it('tells a Node user to rebuild for Node when the addon was built for Electron', () => {
    const err = explainLoadError('better-sqlite3', new Error(abiMessage), nodeVersions);
    expect(err).toBeInstanceOf(NativeAbiError);
    expect(err.message).toContain('npm run rebuild:node');
    expect(err.message).toContain('ABI 139');
  });

  it('tells an Electron user to rebuild for Electron', () => {
    const err = explainLoadError('better-sqlite3', new Error(abiMessage), electronVersions);
    expect(err.message).toContain('npm run rebuild:electron');
  });

  it('passes other errors through unchanged', () => {
    const original = new Error('disk on fire');
    expect(explainLoadError('better-sqlite3', original, nodeVersions)).toBe(original);
  });
});
