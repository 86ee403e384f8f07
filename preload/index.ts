// The preload: exposes `window.delegate` — one function per procedure of the contract, grouped by
// area, plus subscribe() for pushed messages. Nothing else crosses into the page (no ipcRenderer,
// no event objects). Runs sandboxed: everything it needs is bundled in.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, type CallResult, type DelegateApi, type ServerMessage } from './contract';
import { MESSAGE_CHANNEL, SUBSCRIBE_KEY, buildApiShape, callChannel } from './api-shape';

type Listener = (message: ServerMessage) => void;

function createApi(): DelegateApi {
  const api: Record<string, unknown> = {};
  for (const [area, methods] of Object.entries(buildApiShape(CALL_NAMES))) {
    const group: Record<string, (input: unknown) => Promise<CallResult>> = {};
    for (const method of methods) {
      const channel = callChannel(`${area}.${method}`);
      group[method] = (input: unknown) => ipcRenderer.invoke(channel, input) as Promise<CallResult>;
    }
    api[area] = group;
  }
  api[SUBSCRIBE_KEY] = (listener: Listener): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    const handler = (_event: IpcRendererEvent, message: ServerMessage): void => listener(message);
    ipcRenderer.on(MESSAGE_CHANNEL, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(MESSAGE_CHANNEL, handler);
    };
  };
  return api as DelegateApi;
}

contextBridge.exposeInMainWorld('delegate', createApi());
