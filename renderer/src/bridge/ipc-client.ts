// Bridge client over Electron IPC: `window.delegate[area][method](input)` resolves to a
// CallResult. The window's IPC channel never drops, so the state is always `connected`; the
// stored session is resumed once at start, before any other call is made.
import type { CallInput, CallName, CallOutput, DelegateApi } from '../../../preload/contract';
import { BridgeError } from './bridge-error';
import type { BridgeClient, BridgePush, ConnectionState, SessionHooks } from './bridge-client';
import { parsePush, unwrapResult } from './wire';

type LooseApi = Record<string, Record<string, ((input: unknown) => Promise<unknown>) | undefined> | undefined>;

export class IpcBridgeClient implements BridgeClient {
  readonly transport = 'ipc' as const;
  readonly connectionState: ConnectionState = 'connected';
  private readonly listeners = new Set<(message: BridgePush) => void>();
  private readonly unsubscribe: () => void;
  private readonly resumed: Promise<void>;

  constructor(
    private readonly api: DelegateApi,
    session?: SessionHooks,
  ) {
    this.unsubscribe = api.subscribe((raw) => {
      const push = parsePush(raw);
      if (push) for (const listener of [...this.listeners]) listener(push);
    });
    const token = session?.getToken() ?? null;
    this.resumed = token
      ? this.invoke('auth.resume', { token }).then(
          (value) => session?.onResumed(value),
          (error: unknown) => session?.onResumeFailed(error as BridgeError),
        )
      : Promise.resolve();
  }

  async call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
    await this.resumed;
    return this.invoke(name, input);
  }

  subscribe(listener: (message: BridgePush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStateChange(): () => void {
    return () => {};
  }

  dispose(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private async invoke<N extends CallName>(name: N, input: unknown): Promise<CallOutput<N>> {
    const [area = '', method = ''] = name.split('.');
    const fn = (this.api as unknown as LooseApi)[area]?.[method];
    if (typeof fn !== 'function') throw new BridgeError('internal', `This window cannot make the call ${name}.`);
    let raw: unknown;
    try {
      raw = await fn(input);
    } catch {
      throw new BridgeError('unavailable', `The call ${name} did not reach the Delegate host.`);
    }
    return unwrapResult(name, raw);
  }
}
