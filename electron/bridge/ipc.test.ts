// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, type CallResult, type ServerMessage } from '../../preload/contract';
import { MESSAGE_CHANNEL, callChannel } from '../../preload/api-shape';
import type { Connection } from './connection';
import { registerIpcBridge, type BridgeLike, type IpcEventLike, type IpcMainLike } from './ipc';
import { isTrustedSender } from '../shell/sender-check';

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  return { ipcMain, handlers };
}

function fakeContents(id: number) {
  const destroyedListeners = new Set<() => void>();
  const sent: unknown[][] = [];
  let destroyed = false;
  const mainFrame = { url: 'app://ui/index.html', parent: null };
  const contents = {
    id,
    mainFrame,
    isDestroyed: () => destroyed,
    send: (...args: unknown[]) => {
      sent.push(args);
    },
    once: (_event: 'destroyed', listener: () => void) => {
      destroyedListeners.add(listener);
    },
    removeListener: (_event: 'destroyed', listener: () => void) => {
      destroyedListeners.delete(listener);
    },
  };
  return {
    contents,
    sent,
    destroyedListeners,
    destroy() {
      destroyed = true;
      for (const listener of [...destroyedListeners]) listener();
      destroyedListeners.clear();
    },
    event(frame: { url: string; parent: unknown } = mainFrame): IpcEventLike {
      return { sender: contents, senderFrame: frame as IpcEventLike['senderFrame'] };
    },
  };
}

function fakeBridge() {
  const attached: Connection[] = [];
  const detach = vi.fn();
  const dispatch = vi.fn(
    async (_conn: Connection, name: unknown, input: unknown): Promise<CallResult> => ({ ok: true, value: { name, input } }),
  );
  const bridge: BridgeLike = {
    dispatch,
    attach(conn) {
      attached.push(conn);
      return detach;
    },
  };
  return { bridge, attached, detach, dispatch };
}

const WINDOW_ID = 1;
const trusted = (event: IpcEventLike) => isTrustedSender(event, WINDOW_ID, 'app://ui');

describe('registerIpcBridge', () => {
  it('registers exactly one channel per procedure of the contract', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpcBridge(ipcMain, fakeBridge().bridge, trusted);
    expect([...handlers.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
  });

  it('passes a call from the main frame of our window to bridge.dispatch', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, dispatch, attached } = fakeBridge();
    registerIpcBridge(ipcMain, bridge, trusted);
    const win = fakeContents(WINDOW_ID);
    const result = await handlers.get(callChannel('auth.login'))!(win.event(), { username: 'ada', password: 'x' });
    expect(result).toEqual({ ok: true, value: { name: 'auth.login', input: { username: 'ada', password: 'x' } } });
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch.mock.calls[0]![0]).toBe(attached[0]);
    expect(attached[0]!.transport).toBe('ipc');
  });

  it('refuses a call from a sub-frame with a forbidden result, without reaching the bridge', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, dispatch, attached } = fakeBridge();
    registerIpcBridge(ipcMain, bridge, trusted);
    const win = fakeContents(WINDOW_ID);
    const subFrame = { url: 'app://ui/index.html', parent: win.contents.mainFrame };
    const result = (await handlers.get(callChannel('system.info'))!(win.event(subFrame), {})) as CallResult;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('forbidden');
    expect(dispatch).not.toHaveBeenCalled();
    expect(attached).toHaveLength(0);
  });

  it('refuses a call from a foreign origin or another window', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, dispatch } = fakeBridge();
    registerIpcBridge(ipcMain, bridge, trusted);
    const win = fakeContents(WINDOW_ID);
    const foreign = { url: 'https://evil.example/', parent: null };
    win.contents.mainFrame = foreign as typeof win.contents.mainFrame;
    const r1 = (await handlers.get(callChannel('auth.status'))!(win.event(foreign), {})) as CallResult;
    const other = fakeContents(2);
    const r2 = (await handlers.get(callChannel('auth.status'))!(other.event(), {})) as CallResult;
    expect([r1, r2].map((r) => !r.ok && r.error.code)).toEqual(['forbidden', 'forbidden']);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('keeps one connection per window, pushes messages to it, and detaches when it is destroyed', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, attached, detach } = fakeBridge();
    registerIpcBridge(ipcMain, bridge, trusted);
    const win = fakeContents(WINDOW_ID);
    await handlers.get(callChannel('auth.status'))!(win.event(), {});
    await handlers.get(callChannel('settings.get'))!(win.event(), {});
    expect(attached).toHaveLength(1);

    const message: ServerMessage = { type: 'session', notice: { kind: 'locked', reason: 'idle' } };
    attached[0]!.send(message);
    expect(win.sent).toEqual([[MESSAGE_CHANNEL, message]]);

    win.destroy();
    expect(detach).toHaveBeenCalledTimes(1);
    // A destroyed window gets nothing and does not throw.
    expect(() => attached[0]!.send(message)).not.toThrow();
    expect(win.sent).toHaveLength(1);
  });

  it('never lets a throwing send escape', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, attached } = fakeBridge();
    registerIpcBridge(ipcMain, bridge, trusted);
    const win = fakeContents(WINDOW_ID);
    win.contents.send = () => {
      throw new Error('Object has been destroyed');
    };
    await handlers.get(callChannel('auth.status'))!(win.event(), {});
    expect(() => attached[0]!.send({ type: 'session', notice: { kind: 'ended', reason: 'x' } })).not.toThrow();
  });

  it('maps a throwing dispatch to an internal error result', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, dispatch } = fakeBridge();
    dispatch.mockRejectedValueOnce(new Error('boom'));
    registerIpcBridge(ipcMain, bridge, trusted);
    const result = (await handlers.get(callChannel('auth.status'))!(fakeContents(WINDOW_ID).event(), {})) as CallResult;
    expect(!result.ok && result.error.code).toBe('internal');
  });

  it('dispose unregisters every handler and detaches every window', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { bridge, detach } = fakeBridge();
    const disposable = registerIpcBridge(ipcMain, bridge, trusted);
    const win = fakeContents(WINDOW_ID);
    await handlers.get(callChannel('auth.status'))!(win.event(), {});
    disposable.dispose();
    expect(handlers.size).toBe(0);
    expect(detach).toHaveBeenCalledTimes(1);
    expect(win.destroyedListeners.size).toBe(0);
    disposable.dispose();
    win.destroy();
    expect(detach).toHaveBeenCalledTimes(1);
  });
});
