// Test helpers: a real host on a temp data folder (real SQLite, real migrations), a fake clock,
// cheap password hashing, and in-memory connections that record what the bridge pushes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CallInput, CallName, CallOutput, CallResult, Role, ServerMessage } from '../../preload/contract';
import type { Connection } from '../bridge/connection';
import { FakeClock } from '../core/clock';
import { createHost, type Host, type HostConfig } from '../host';
import { hashPassword } from '../security/passwords';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const TEST_PASSWORD_COST = { N: 1024, r: 8, p: 1 };
export const PASSWORD = 'correct-horse-battery';

export interface TestConnection extends Connection {
  messages: ServerMessage[];
}

let connSeq = 0;
export function fakeConnection(transport: 'ipc' | 'ws' = 'ws'): TestConnection {
  const messages: ServerMessage[] = [];
  return { id: `test-${++connSeq}`, transport, sessionId: null, messages, send: (m) => messages.push(m) };
}

export interface TestHost {
  host: Host;
  clock: FakeClock;
  dataDir: string;
  call<N extends CallName>(conn: Connection, name: N, input: CallInput<N>): Promise<CallResult>;
  /** Calls and unwraps a success; throws with the error otherwise. */
  ok<N extends CallName>(conn: Connection, name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  /** A connection signed in as a new user of that role (admin: the provisioned one). */
  signIn(role: Role, username?: string): Promise<TestConnection>;
  count(table: string): number;
  close(): Promise<void>;
}

export async function openTestHost(overrides: Partial<HostConfig> = {}, dataDir?: string): Promise<TestHost> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'delegate-test-'));
  const clock = (overrides.clock as FakeClock | undefined) ?? new FakeClock();
  const host = await createHost({
    dataDir: dir,
    mode: 'headless',
    appRoot: REPO_ROOT,
    adminPassword: PASSWORD,
    clock,
    passwordCost: TEST_PASSWORD_COST,
    logLevel: 'silent',
    ...overrides,
  });
  const call = <N extends CallName>(conn: Connection, name: N, input: CallInput<N>) => host.bridge.dispatch(conn, name, input);
  const ok = async <N extends CallName>(conn: Connection, name: N, input: CallInput<N>): Promise<CallOutput<N>> => {
    const r = await call(conn, name, input);
    if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
    return r.value as CallOutput<N>;
  };
  const admin = fakeConnection();
  let adminSignedIn = false;
  let userSeq = 0;
  const signIn = async (role: Role, username?: string): Promise<TestConnection> => {
    const conn = fakeConnection();
    if (role === 'admin' && !username) {
      await ok(conn, 'auth.login', { username: 'admin', password: PASSWORD });
      return conn;
    }
    if (!adminSignedIn) {
      await ok(admin, 'auth.login', { username: 'admin', password: PASSWORD });
      adminSignedIn = true;
    }
    const name = username ?? `${role}${++userSeq}`;
    await ok(admin, 'users.create', { username: name, displayName: `Test ${role}`, role, password: PASSWORD });
    await ok(conn, 'auth.login', { username: name, password: PASSWORD });
    return conn;
  };
  return {
    host,
    clock,
    dataDir: dir,
    call,
    ok,
    signIn,
    count: (table) => (host.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    close: async () => {
      await host.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { hashPassword };
