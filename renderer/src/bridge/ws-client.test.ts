// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { SessionDto } from '../../../preload/contract';
import { FakeSocket, FakeTimers, sampleSession, sampleSettings, sampleAudit } from '../testing/fakes';
import { reconnectDelay } from './backoff';
import { BridgeError } from './bridge-error';
import type { BridgePush, SessionHooks } from './bridge-client';
import { WsBridgeClient, bridgeUrl } from './ws-client';

function setup(options: { token?: string | null; hooks?: Partial<SessionHooks> } = {}) {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const onResumed = vi.fn<(session: SessionDto) => void>();
  const onResumeFailed = vi.fn<(error: BridgeError) => void>();
  let token = options.token ?? null;
  const client = new WsBridgeClient({
    url: 'ws://127.0.0.1:4599/bridge',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    timers,
    session: { getToken: () => token, onResumed, onResumeFailed, ...options.hooks },
  });
  const socket = () => sockets[sockets.length - 1]!;
  return { client, sockets, socket, timers, onResumed, onResumeFailed, setToken: (t: string | null) => (token = t) };
}

const STATUS = { setupRequired: false, siteName: 'Line 4' };

describe('WsBridgeClient', () => {
  it('builds ws:// or wss:// from the page location', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:4599' })).toBe('ws://127.0.0.1:4599/bridge');
    expect(bridgeUrl({ protocol: 'https:', host: 'line4.example' })).toBe('wss://line4.example/bridge');
  });

  it('sends a call with a fresh request id and resolves it with the parsed output', async () => {
    const { client, socket } = setup();
    socket().open();
    const answer = client.call('auth.status', {});
    const sent = socket().lastCall();
    expect(sent).toEqual({ type: 'call', id: sent.id, name: 'auth.status', input: {} });
    socket().receive({ type: 'result', id: sent.id, ok: true, value: STATUS });
    await expect(answer).resolves.toEqual(STATUS);
  });

  it('matches answers to calls by id, whatever order they arrive in', async () => {
    const { client, socket } = setup();
    socket().open();
    const status = client.call('auth.status', {});
    const settings = client.call('settings.get', {});
    const [first, second] = socket().sent as Array<{ id: number }>;
    expect(first!.id).not.toBe(second!.id);
    socket().receive({ type: 'result', id: second!.id, ok: true, value: sampleSettings() });
    socket().receive({ type: 'result', id: first!.id, ok: true, value: STATUS });
    await expect(status).resolves.toEqual(STATUS);
    await expect(settings).resolves.toEqual(sampleSettings());
  });

  it('rejects with a BridgeError carrying code, message and details on {ok:false}', async () => {
    const { client, socket } = setup();
    socket().open();
    const answer = client.call('auth.login', { username: 'ada', password: 'nope' });
    socket().receive({
      type: 'result',
      id: socket().lastCall().id,
      ok: false,
      error: { code: 'unauthenticated', message: 'Wrong username or password', details: { attempts: 1 } },
    });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'unauthenticated', message: 'Wrong username or password', details: { attempts: 1 } });
  });

  it('rejects an answer that does not match the contract output schema with code internal', async () => {
    const { client, socket } = setup();
    socket().open();
    const answer = client.call('auth.status', {});
    socket().receive({ type: 'result', id: socket().lastCall().id, ok: true, value: { setupRequired: 'yes' } });
    await expect(answer).rejects.toMatchObject({ code: 'internal' });
  });

  it('ignores frames that are not server messages and answers for unknown ids', async () => {
    const log = vi.fn();
    const timers = new FakeTimers();
    let socket!: FakeSocket;
    const client = new WsBridgeClient({ url: 'ws://x/bridge', createSocket: (url) => (socket = new FakeSocket(url)), timers, log });
    socket.open();
    const answer = client.call('auth.status', {});
    socket.receive('not json');
    socket.receive({ type: 'result', id: 999, ok: true, value: STATUS });
    socket.receive({ type: 'surprise' });
    socket.receive({ type: 'result', id: socket.lastCall().id, ok: true, value: STATUS });
    await expect(answer).resolves.toEqual(STATUS);
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('rejects every pending call with code unavailable when the socket drops', async () => {
    const { client, socket } = setup();
    socket().open();
    const a = client.call('auth.status', {});
    const b = client.call('settings.update', { siteName: 'Line 5' });
    socket().drop();
    await expect(a).rejects.toMatchObject({ code: 'unavailable' });
    await expect(b).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('refuses changes at once while disconnected, but holds reads until connected', async () => {
    const { client, socket } = setup();
    await expect(client.call('auth.lock', {})).rejects.toMatchObject({ code: 'unavailable' });
    const read = client.call('auth.status', {});
    expect(socket().sent).toHaveLength(0);
    socket().open();
    expect(socket().lastCall().name).toBe('auth.status');
    socket().receive({ type: 'result', id: socket().lastCall().id, ok: true, value: STATUS });
    await expect(read).resolves.toEqual(STATUS);
  });

  it('rejects a call the host does not answer within the timeout', async () => {
    const { client, socket, timers } = setup();
    socket().open();
    const answer = client.call('auth.status', {});
    timers.advance(30_000);
    await expect(answer).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('reconnects after 0.5 s, 1 s, 2 s, 4 s, 8 s, then every 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    const { sockets, socket, timers } = setup();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      socket().drop();
      delays.push(...timers.pendingDelays());
      timers.advance(10_000);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(sockets).toHaveLength(8);
  });

  it('starts the backoff again after a successful connection', () => {
    const { socket, timers } = setup();
    socket().drop();
    timers.advance(500);
    socket().drop();
    timers.advance(1000);
    socket().open();
    socket().drop();
    expect(timers.pendingDelays()).toEqual([500]);
  });

  it('reports connecting, connected, reconnecting and offline', () => {
    const { client, socket, timers } = setup();
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    expect(client.connectionState).toBe('connecting');
    socket().open();
    socket().drop();
    timers.advance(500);
    socket().drop();
    timers.advance(1000);
    socket().drop();
    timers.advance(2000);
    socket().open();
    expect(states).toEqual(['connected', 'reconnecting', 'offline', 'connected']);
  });

  it('resumes the stored session first after every (re)connect, and sends nothing else until it answers', async () => {
    const { client, socket, timers, onResumed } = setup({ token: 'tok-1' });
    const read = client.call('settings.get', {});
    socket().open();
    expect(socket().sent).toEqual([{ type: 'call', id: 1, name: 'auth.resume', input: { token: 'tok-1' } }]);
    expect(client.connectionState).toBe('connecting');
    socket().receive({ type: 'result', id: 1, ok: true, value: sampleSession() });
    expect(onResumed).toHaveBeenCalledWith(sampleSession());
    expect(client.connectionState).toBe('connected');
    const get = socket().lastCall();
    expect(get.name).toBe('settings.get');
    socket().receive({ type: 'result', id: get.id, ok: true, value: sampleSettings() });
    await expect(read).resolves.toEqual(sampleSettings());

    socket().drop();
    timers.advance(500);
    socket().open();
    expect(socket().sent).toEqual([{ type: 'call', id: get.id + 1, name: 'auth.resume', input: { token: 'tok-1' } }]);
    socket().receive({ type: 'result', id: get.id + 1, ok: true, value: sampleSession() });
    expect(onResumed).toHaveBeenCalledTimes(2);
    expect(client.connectionState).toBe('connected');
  });

  it('reports a refused resume and carries on signed out', () => {
    const { client, socket, onResumeFailed } = setup({ token: 'stale' });
    socket().open();
    socket().receive({ type: 'result', id: 1, ok: false, error: { code: 'unauthenticated', message: 'Session expired', details: { locked: false } } });
    expect(onResumeFailed).toHaveBeenCalledWith(expect.objectContaining({ code: 'unauthenticated', message: 'Session expired' }));
    expect(client.connectionState).toBe('connected');
  });

  it('does not resume when no token is stored', () => {
    const { socket, client } = setup({ token: null });
    socket().open();
    expect(socket().sent).toHaveLength(0);
    expect(client.connectionState).toBe('connected');
  });

  it('delivers events parsed with the contract and session notices, and drops off-contract ones', () => {
    const { client, socket } = setup();
    const got: BridgePush[] = [];
    client.subscribe((message) => got.push(message));
    socket().open();
    socket().receive({ type: 'event', name: 'audit.appended', payload: sampleAudit(7) });
    socket().receive({ type: 'event', name: 'audit.appended', payload: { seq: 'x' } });
    socket().receive({ type: 'event', name: 'robot.exploded', payload: {} });
    socket().receive({ type: 'session', notice: { kind: 'locked', reason: 'Locked after inactivity' } });
    expect(got).toEqual([
      { type: 'event', name: 'audit.appended', payload: sampleAudit(7) },
      { type: 'session', notice: { kind: 'locked', reason: 'Locked after inactivity' } },
    ]);
  });

  it('closes the socket, stops reconnecting and rejects waiting calls on dispose', async () => {
    const { client, socket, timers, sockets } = setup();
    const waiting = client.call('auth.status', {});
    client.dispose();
    await expect(waiting).rejects.toMatchObject({ code: 'unavailable' });
    expect(socket().closedByClient).toBe(true);
    timers.advance(60_000);
    expect(sockets).toHaveLength(1);
  });
});
