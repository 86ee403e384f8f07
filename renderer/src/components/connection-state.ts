// The bridge's connection state as React state.
import { useSyncExternalStore } from 'react';
import type { ConnectionState, Transport } from '../bridge/bridge-client';
import { useBridge } from '../query/call-hooks';

export function useConnectionState(): ConnectionState {
  const client = useBridge();
  return useSyncExternalStore(
    (notify) => client.onStateChange(notify),
    () => client.connectionState,
  );
}

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export const TRANSPORT_LABELS: Record<Transport, string> = {
  ipc: 'Desktop IPC',
  ws: 'WebSocket',
};
