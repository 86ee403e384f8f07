// Picks the transport: Electron IPC when the preload exposed `window.delegate`, else a WebSocket
// to the host that served this page.
import type { BridgeClient, SessionHooks } from './bridge-client';
import { IpcBridgeClient } from './ipc-client';
import { WsBridgeClient, bridgeUrl, type SocketLike } from './ws-client';

export function createBridgeClient(session: SessionHooks): BridgeClient {
  if (window.delegate) return new IpcBridgeClient(window.delegate, session);
  return new WsBridgeClient({
    url: bridgeUrl(window.location),
    // The DOM WebSocket has exactly the members SocketLike names; only its handler types are narrower.
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    session,
    log: (message) => console.warn(message),
  });
}
