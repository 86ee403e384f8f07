// The IPC transport of the bridge: one ipcMain handler per procedure of the contract. Every
// handler checks the sender first; each window (webContents) is one Connection that receives
// events until the window is destroyed. Plain Node: Electron's ipcMain is passed in.
import { CALL_NAMES, type CallResult, type ServerMessage } from '../../preload/contract';
import { MESSAGE_CHANNEL, callChannel } from '../../preload/api-shape';
import type { Connection } from './connection';

/** The frame a message came from (Electron's WebFrameMain, structurally). */
export interface FrameLike {
  readonly url: string;
  readonly origin?: string;
  readonly parent: FrameLike | null;
}

/** A window's web contents (Electron's WebContents, structurally). */
export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame?: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
  removeListener?(event: 'destroyed', listener: () => void): unknown;
}

/** Electron's IpcMainInvokeEvent, structurally. */
export interface IpcEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}

/** Electron's ipcMain, structurally. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of the host's Bridge this transport uses. */
export interface BridgeLike {
  dispatch(conn: Connection, name: unknown, input: unknown): Promise<CallResult>;
  attach(conn: Connection): () => void;
}

export interface Disposable {
  dispose(): void;
}

interface Attached {
  contents: WebContentsLike;
  conn: Connection;
  detach: () => void;
  onDestroyed: () => void;
}

const FORBIDDEN: CallResult = {
  ok: false,
  error: { code: 'forbidden', message: 'This window is not allowed to talk to Delegate.' },
};

export function registerIpcBridge(
  ipcMain: IpcMainLike,
  bridge: BridgeLike,
  isTrustedSender: (event: IpcEventLike) => boolean,
): Disposable {
  const attached = new Map<number, Attached>();
  const channels: string[] = [];
  let disposed = false;
  let serial = 0;

  function release(id: number): void {
    const entry = attached.get(id);
    if (!entry) return;
    attached.delete(id);
    try {
      entry.detach();
    } catch {
      // Detaching is best effort; a bridge error here must not break window teardown.
    }
  }

  function connectionFor(contents: WebContentsLike): Connection {
    const existing = attached.get(contents.id);
    if (existing) return existing.conn;
    serial += 1;
    const conn: Connection = {
      id: `ipc-${contents.id}-${serial}`,
      transport: 'ipc',
      sessionId: null,
      send(message: ServerMessage): void {
        if (contents.isDestroyed()) return;
        try {
          contents.send(MESSAGE_CHANNEL, message);
        } catch {
          // The window may be closing between the check and the send: the message is moot.
        }
      },
    };
    const detach = bridge.attach(conn);
    const onDestroyed = (): void => {
      if (attached.get(contents.id)?.conn === conn) release(contents.id);
    };
    attached.set(contents.id, { contents, conn, detach, onDestroyed });
    contents.once('destroyed', onDestroyed);
    return conn;
  }

  for (const name of CALL_NAMES) {
    const channel = callChannel(name);
    ipcMain.handle(channel, async (event: IpcEventLike, input: unknown): Promise<CallResult> => {
      if (disposed || !isTrustedSender(event) || event.sender.isDestroyed()) return FORBIDDEN;
      const conn = connectionFor(event.sender);
      try {
        return await bridge.dispatch(conn, name, input);
      } catch {
        // dispatch never throws by contract; if it does, the renderer still gets data, not a rejection.
        return { ok: false, error: { code: 'internal', message: 'Something went wrong in Delegate.' } };
      }
    });
    channels.push(channel);
  }

  return {
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const channel of channels) ipcMain.removeHandler(channel);
      for (const [id, entry] of [...attached]) {
        release(id);
        // The window may outlive the bridge (closing the host before the window): drop our listener.
        entry.contents.removeListener?.('destroyed', entry.onDestroyed);
      }
    },
  };
}
