// The bridge over WebSocket (headless host, browsers on the LAN, e2e tests). Every frame is
// parsed from unknown; a browser from a foreign origin cannot open the socket at all.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { ClientMessage, type ServerMessage } from '../../preload/contract';
import type { Logger } from '../log';
import type { Connection } from './connection';
import type { Bridge } from './dispatch';

export const MAX_FRAME_BYTES = 1024 * 1024;

/** A browser always sends Origin; it must be this very host. Non-browser clients send none. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
  } catch {
    return false;
  }
}

export interface WsBridgeHandle {
  close(): void;
}

export function serveBridgeSocket(socket: WebSocket, bridge: Bridge, log: Logger): WsBridgeHandle {
  const conn: Connection = {
    id: randomUUID(),
    transport: 'ws',
    sessionId: null,
    send: (message: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
  };
  const detach = bridge.attach(conn);

  socket.on('message', (data, isBinary) => {
    let raw: unknown;
    try {
      raw = JSON.parse(isBinary ? '' : data.toString());
    } catch {
      socket.close(1007, 'frames must be JSON');
      return;
    }
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
      conn.send({ type: 'result', id, ok: false, error: { code: 'invalid_input', message: 'Malformed bridge message' } });
      return;
    }
    const { id, name, input } = parsed.data;
    bridge
      .dispatch(conn, name, input)
      .then((result) => conn.send({ type: 'result', id, ...result }))
      .catch((error: unknown) => log.error({ err: error }, 'bridge dispatch threw'));
  });
  socket.on('close', detach);
  socket.on('error', (error) => log.warn({ err: error }, 'bridge socket error'));

  return {
    close: () => {
      detach();
      socket.terminate();
    },
  };
}
