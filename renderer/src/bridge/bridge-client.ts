// What every page talks to: one `BridgeClient`, whichever transport carries the calls
// (Electron IPC through `window.delegate`, or a WebSocket to the headless host).
import type {
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
  SessionDto,
  SessionNotice,
} from '../../../preload/contract';
import type { BridgeError } from './bridge-error';

export type ConnectionState = 'connected' | 'connecting' | 'reconnecting' | 'offline';
export type Transport = 'ipc' | 'ws';

/** A pushed domain event, payload already parsed with the contract's schema. */
export type BridgeEvent = { [E in EventName]: { type: 'event'; name: E; payload: EventPayload<E> } }[EventName];
/** A notice about this connection's own session. */
export type SessionPush = { type: 'session'; notice: SessionNotice };
export type BridgePush = BridgeEvent | SessionPush;

export interface BridgeClient {
  readonly transport: Transport;
  readonly connectionState: ConnectionState;
  /** Resolves with the parsed output, or rejects with a `BridgeError`. */
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  /** Events and session notices pushed by the host. Returns the unsubscribe function. */
  subscribe(listener: (message: BridgePush) => void): () => void;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  dispose(): void;
}

/**
 * How a client re-attaches its connection to the signed-in session: after every (re)connect it
 * calls `auth.resume` with the stored token before any other call goes out.
 */
export interface SessionHooks {
  getToken(): string | null;
  onResumed(session: SessionDto): void;
  onResumeFailed(error: BridgeError): void;
}
