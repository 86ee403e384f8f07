// @vitest-environment node
// The layering of ARCHITECTURE.md is enforced by eslint.config.mjs; this proves each rule bites
// (and does not bite where an import is allowed), using ESLint's Node API on in-memory code.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** True when ESLint reports a layering violation (no-restricted-imports) for `code` at `file`. */
async function refused(code: string, file: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, file) });
  expect(result, file).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, file).toEqual([]);
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layering lint', () => {
  it('refuses a renderer file importing the engine room', async () => {
    expect(await refused("import { createHost } from '../../electron/host';\nvoid createHost;\n", 'renderer/src/app.ts')).toBe(true);
    expect(await refused("import { x } from '../../native/abi';\nvoid x;\n", 'renderer/src/app.ts')).toBe(true);
  });

  it('refuses a renderer file importing Node built-ins, Electron or addons', async () => {
    for (const source of ['node:fs', 'fs', 'fs/promises', 'path', 'child_process', 'electron', 'better-sqlite3', 'serialport', 'node-opcua']) {
      const bad = await refused(`import * as m from '${source}';\nvoid m;\n`, 'renderer/src/pages/home.tsx');
      expect(bad, source).toBe(true);
    }
  });

  it('lets a renderer file import the contract, its own modules and browser packages', async () => {
    const code = [
      "import { calls } from '../../preload/contract';",
      "import { buildApiShape } from '../../preload/api-shape';",
      "import { useQuery } from '@tanstack/react-query';",
      "import { Button } from './components/button';",
      'void calls; void buildApiShape; void useQuery; void Button;',
    ].join('\n');
    expect(await refused(code, 'renderer/src/app.tsx')).toBe(false);
  });

  it("refuses 'electron' anywhere but electron/main.ts and preload/index.ts", async () => {
    expect(await refused("import { app } from 'electron';\nvoid app;\n", 'electron/host.ts')).toBe(true);
    expect(await refused("import type { WebContents } from 'electron';\nexport type W = WebContents;\n", 'electron/shell/window-options.ts')).toBe(true);
    expect(await refused("import { ipcMain } from 'electron/main';\nvoid ipcMain;\n", 'electron/bridge/ipc.ts')).toBe(true);
    expect(await refused("import { app } from 'electron';\nvoid app;\n", 'electron/main.ts')).toBe(false);
    expect(await refused("import { contextBridge } from 'electron';\nvoid contextBridge;\n", 'preload/index.ts')).toBe(false);
  });

  it('lets electron/ import its own folders, native/ and packages named like electron-*', async () => {
    const code = "import { a } from '../native/abi';\nimport { autoUpdater } from 'electron-updater';\nimport { b } from './db/database';\nvoid a; void b; void autoUpdater;\n";
    expect(await refused(code, 'electron/host.ts')).toBe(false);
  });

  it('refuses a native/ file importing electron (module or folder) or renderer/', async () => {
    expect(await refused("import { app } from 'electron';\nvoid app;\n", 'native/sqlite.ts')).toBe(true);
    expect(await refused("import { x } from '../electron/host';\nvoid x;\n", 'native/sqlite.ts')).toBe(true);
    expect(await refused("import { x } from '../renderer/src/app';\nvoid x;\n", 'native/sqlite.ts')).toBe(true);
  });

  it('refuses renderer/ imports from any other layer', async () => {
    expect(await refused("import { x } from '../renderer/src/app';\nvoid x;\n", 'electron/host.ts')).toBe(true);
    expect(await refused("import { x } from '../../renderer/src/app';\nvoid x;\n", 'e2e/web/app.spec.ts')).toBe(true);
  });

  it('lets preload/contract.ts import zod and nothing else', async () => {
    expect(await refused("import { z } from 'zod';\nvoid z;\n", 'preload/contract.ts')).toBe(false);
    expect(await refused("import { x } from './api-shape';\nvoid x;\n", 'preload/contract.ts')).toBe(true);
    expect(await refused("import { readFileSync } from 'node:fs';\nvoid readFileSync;\n", 'preload/contract.ts')).toBe(true);
  });
});
