// Bridge client over a WebSocket to the headless host. Invariants:
// - every call gets a fresh request id and settles exactly once (result, drop, timeout or dispose);
// - after each (re)connect, `auth.resume` goes out first and nothing else is sent until it answers;
// - while disconnected, reads wait for the connection, but changes are refused at once with
//   `unavailable` so a click made offline never runs minutes later.
import { WS_PATH, calls, type CallInput, type CallName, type CallOutput } from '../../../preload/contract';
import { reconnectDelay } from './backoff';
import { BridgeError } from './bridge-error';
import type { BridgeClient, BridgePush, ConnectionState, SessionHooks } from './bridge-client';
import { parseWire, unwrapResult } from './wire';

/** The part of the DOM WebSocket this client uses (a fake one in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WsClientOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  session?: SessionHooks;
  timers?: Timers;
  /** A sent call with no answer after this long is rejected with `unavailable`. */
  callTimeoutMs?: number;
  /** Consecutive failed connection attempts after which the state reads `offline`. */
  offlineAfterFailures?: number;
  log?: (message: string) => void;
}

const OPEN = 1;

interface Pending {
  name: CallName;
  resolve(value: unknown): void;
  reject(error: BridgeError): void;
  timer: unknown;
}

interface Waiting {
  name: CallName;
  input: unknown;
  resolve(value: unknown): void;
  reject(error: BridgeError): void;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function bridgeUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_PATH}`;
}

export class WsBridgeClient implements BridgeClient {
  readonly transport = 'ws' as const;
  private state: ConnectionState = 'connecting';
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private waiting: Waiting[] = [];
  private ready = false;
  private everConnected = false;
  private failures = 0;
  private reconnectTimer: unknown = null;
  private disposed = false;
  private readonly listeners = new Set<(message: BridgePush) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly timers: Timers;
  private readonly callTimeoutMs: number;
  private readonly offlineAfterFailures: number;

  constructor(private readonly options: WsClientOptions) {
    this.timers = options.timers ?? defaultTimers;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.offlineAfterFailures = options.offlineAfterFailures ?? 3;
    this.connect();
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.disposed) {
        reject(new BridgeError('unavailable', 'This window is closing.'));
      } else if (this.ready && this.socket?.readyState === OPEN) {
        this.send(name, input, resolve, reject);
      } else if (calls[name].mutates) {
        reject(new BridgeError('unavailable', 'Not connected to the Delegate host. Nothing was changed; try again when the connection is back.'));
      } else {
        this.waiting.push({ name, input, resolve, reject });
      }
    }) as Promise<CallOutput<N>>;
  }

  subscribe(listener: (message: BridgePush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.detach(socket);
    socket?.close(1000, 'client closed');
    this.failAll(new BridgeError('unavailable', 'This window is closing.'));
    this.listeners.clear();
    this.stateListeners.clear();
  }

  // --- connection ---------------------------------------------------------------------------

  private connect(): void {
    this.reconnectTimer = null;
    if (this.disposed) return;
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.onDrop(null);
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.onOpen(socket);
    socket.onmessage = (event) => this.onMessage(socket, event.data);
    socket.onclose = () => this.onDrop(socket);
    socket.onerror = () => {
      // A close event always follows; that is where the drop is handled.
    };
  }

  private onOpen(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.failures = 0;
    const token = this.options.session?.getToken() ?? null;
    if (!token) {
      this.becomeReady();
      return;
    }
    this.send(
      'auth.resume',
      { token },
      (session) => {
        if (socket !== this.socket) return;
        this.options.session?.onResumed(session as CallOutput<'auth.resume'>);
        this.becomeReady();
      },
      (error) => {
        if (socket !== this.socket) return;
        this.options.session?.onResumeFailed(error);
        this.becomeReady();
      },
    );
  }

  private becomeReady(): void {
    this.ready = true;
    this.everConnected = true;
    this.setState('connected');
    const waiting = this.waiting;
    this.waiting = [];
    for (const call of waiting) this.send(call.name, call.input, call.resolve, call.reject);
  }

  private onDrop(socket: SocketLike | null): void {
    if (socket !== this.socket) return;
    this.detach(socket);
    this.socket = null;
    this.ready = false;
    const lost = new BridgeError(
      'unavailable',
      'The connection to the Delegate host dropped before it answered. Check whether the change was made before trying again.',
    );
    for (const [id, call] of this.pending) {
      this.timers.clearTimeout(call.timer);
      this.pending.delete(id);
      call.reject(lost);
    }
    if (this.disposed) return;
    const attempt = this.failures;
    this.failures += 1;
    if (this.failures >= this.offlineAfterFailures) this.setState('offline');
    else this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.reconnectTimer = this.timers.setTimeout(() => this.connect(), reconnectDelay(attempt));
  }

  private detach(socket: SocketLike | null): void {
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
  }

  // --- messages ------------------------------------------------------------------------------

  private send(name: CallName, input: unknown, resolve: (value: unknown) => void, reject: (error: BridgeError) => void): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      reject(new BridgeError('unavailable', 'Not connected to the Delegate host.'));
      return;
    }
    const id = this.nextId++;
    const timer = this.timers.setTimeout(() => {
      if (!this.pending.delete(id)) return;
      reject(new BridgeError('unavailable', `The Delegate host did not answer ${name} within ${Math.round(this.callTimeoutMs / 1000)} s.`));
    }, this.callTimeoutMs);
    this.pending.set(id, { name, resolve, reject, timer });
    try {
      socket.send(JSON.stringify({ type: 'call', id, name, input }));
    } catch {
      this.pending.delete(id);
      this.timers.clearTimeout(timer);
      reject(new BridgeError('unavailable', 'Could not send to the Delegate host.'));
    }
  }

  private onMessage(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    const message = parseWire(data);
    if (message.type === 'ignored') {
      this.options.log?.(`bridge: ignored a message (${message.why})`);
      return;
    }
    if (message.type === 'push') {
      for (const listener of [...this.listeners]) listener(message.push);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    this.timers.clearTimeout(call.timer);
    try {
      call.resolve(unwrapResult(call.name, message.outcome));
    } catch (error) {
      call.reject(error as BridgeError);
    }
  }

  private failAll(error: BridgeError): void {
    for (const call of this.pending.values()) {
      this.timers.clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
    for (const call of this.waiting) call.reject(error);
    this.waiting = [];
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}
