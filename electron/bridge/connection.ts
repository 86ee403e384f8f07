// One client of the bridge: an Electron window (IPC) or a WebSocket. The transport owns how
// messages travel; the bridge owns which session the connection speaks for.
import type { ServerMessage } from '../../preload/contract';

export interface Connection {
  /** Unique per connection, for logs. */
  readonly id: string;
  /** 'ipc' or 'ws': recorded in audit rows so a reader knows where a call came from. */
  readonly transport: 'ipc' | 'ws';
  /** Token hash of the session this connection is signed in to, or null. Set by the bridge. */
  sessionId: string | null;
  /** Push a message (event or session notice) to the client. Must never throw. */
  send(message: ServerMessage): void;
}
