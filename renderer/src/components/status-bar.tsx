// The strip at the bottom of every screen: is this window talking to the host, how, and which version.
import { useCall } from '../query/call-hooks';
import { useBridge } from '../query/call-hooks';
import { CONNECTION_LABELS, TRANSPORT_LABELS, useConnectionState } from './connection-state';

export function StatusBar({ signedIn }: { signedIn: boolean }) {
  const client = useBridge();
  const state = useConnectionState();
  const info = useCall('system.info', {}, { enabled: signedIn, staleTime: Infinity });
  return (
    <footer className="statusbar" role="status" aria-label="Connection">
      <span className="statusbar__item">
        <span className={`dot dot--${state}`} aria-hidden="true" />
        {CONNECTION_LABELS[state]}
      </span>
      <span className="statusbar__item">{TRANSPORT_LABELS[client.transport]}</span>
      <span className="statusbar__spacer" />
      {signedIn && info.data && (
        <span className="statusbar__item">
          Delegate {info.data.version}
        </span>
      )}
    </footer>
  );
}
