// @vitest-environment node
// sdk/ and examples/ talk to Delegate over HTTP/WebSocket only: the lint refuses an import of the
// engine room (electron/, native/) or of 'electron', and allows the contract's types and sdk/.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

async function refused(code: string, file: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('sdk and examples layering', () => {
  it('refuses engine-room imports from sdk/ and examples/', async () => {
    expect(await refused("import { TaskQueue } from '../electron/tasks/queue';\nvoid TaskQueue;\n", 'sdk/agent.ts')).toBe(true);
    expect(await refused("import { openSqlite } from '../native/sqlite';\nvoid openSqlite;\n", 'sdk/client.ts')).toBe(true);
    expect(await refused("import { createHost } from '../electron/host';\nvoid createHost;\n", 'examples/agent.ts')).toBe(true);
    expect(await refused("import { app } from 'electron';\nvoid app;\n", 'examples/agent.ts')).toBe(true);
  });

  it('lets them import the contract, the SDK, ws and Node built-ins', async () => {
    const code = "import type { TaskDto } from '../preload/contract';\nimport { DelegateAgent } from '../sdk';\nimport WebSocket from 'ws';\nimport { parseArgs } from 'node:util';\nexport type T = TaskDto; void DelegateAgent; void WebSocket; void parseArgs;\n";
    expect(await refused(code, 'examples/agent.ts')).toBe(false);
  });
});
