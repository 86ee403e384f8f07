// @vitest-environment node
// Loads the real preload against a stand-in for Electron's contextBridge/ipcRenderer and checks
// what it exposes: exactly the contract's areas and calls plus subscribe, each on its own channel.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, type ServerMessage } from './contract';
import { MESSAGE_CHANNEL, callChannel } from './api-shape';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const exposed: Record<string, unknown> = {};
  return {
    exposed,
    listeners,
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, value: unknown) => {
        exposed[key] = value;
      }),
    },
    ipcRenderer: {
      invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
      on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      }),
      removeListener: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
        listeners.get(channel)?.delete(listener);
      }),
    },
  };
});

vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

type Api = Record<string, Record<string, (input: unknown) => Promise<unknown>>> & {
  subscribe(listener: (m: ServerMessage) => void): () => void;
};
let api: Api;

beforeAll(async () => {
  await import('./index');
  api = electron.exposed.delegate as Api;
});

describe('preload', () => {
  it('exposes only window.delegate', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(electron.exposed)).toEqual(['delegate']);
  });

  it('exposes the contract areas plus subscribe, and one function per call', () => {
    const areas = [...new Set(CALL_NAMES.map((n) => n.split('.')[0]!))];
    expect(Object.keys(api).sort()).toEqual([...areas, 'subscribe'].sort());
    const exposedCalls = areas.flatMap((area) => Object.keys(api[area]!).map((m) => `${area}.${m}`));
    expect(exposedCalls.sort()).toEqual([...CALL_NAMES].sort());
    for (const area of areas) {
      for (const fn of Object.values(api[area]!)) expect(typeof fn).toBe('function');
    }
  });

  it('sends each call on its own channel with the input as given', async () => {
    for (const name of CALL_NAMES) {
      const [area, method] = name.split('.') as [string, string];
      const result = await api[area]![method]!({ probe: name });
      expect(result).toEqual({ ok: true, value: { channel: callChannel(name), input: { probe: name } } });
    }
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(CALL_NAMES.length);
  });

  it('subscribe passes only the message, never the IPC event, and unsubscribes', () => {
    const received: unknown[][] = [];
    const unsubscribe = api.subscribe((...args: unknown[]) => received.push(args));
    const message: ServerMessage = { type: 'session', notice: { kind: 'locked', reason: 'idle' } };
    const fakeEvent = { sender: { secret: true } };
    for (const listener of electron.listeners.get(MESSAGE_CHANNEL) ?? []) listener(fakeEvent, message);
    expect(received).toEqual([[message]]);
    unsubscribe();
    unsubscribe();
    expect(electron.listeners.get(MESSAGE_CHANNEL)?.size ?? 0).toBe(0);
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledTimes(1);
  });
});
