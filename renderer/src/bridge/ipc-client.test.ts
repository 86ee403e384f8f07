// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { CallResult, DelegateApi, ServerMessage } from '../../../preload/contract';
import { sampleSession, sampleAudit } from '../testing/fakes';
import type { BridgePush } from './bridge-client';
import { IpcBridgeClient } from './ipc-client';

function fakeApi(answers: Record<string, (input: unknown) => CallResult>) {
  let push: ((message: ServerMessage) => void) | null = null;
  const calls: Array<{ name: string; input: unknown }> = [];
  const api = new Proxy({} as Record<string, unknown>, {
    get: (_target, area: string) => {
      if (area === 'subscribe') {
        return (listener: (message: ServerMessage) => void) => {
          push = listener;
          return () => (push = null);
        };
      }
      return new Proxy({}, {
        get: (_t, method: string) => async (input: unknown) => {
          const name = `${area}.${method}`;
          calls.push({ name, input });
          const answer = answers[name];
          return answer ? answer(input) : { ok: false, error: { code: 'not_found', message: 'no' } };
        },
      });
    },
  }) as unknown as DelegateApi;
  return { api, calls, push: (m: ServerMessage) => push?.(m) };
}

describe('IpcBridgeClient', () => {
  it('calls window.delegate[area][method] and parses the CallResult', async () => {
    const { api, calls } = fakeApi({ 'auth.status': () => ({ ok: true, value: { setupRequired: true, siteName: 'X' } }) });
    const client = new IpcBridgeClient(api);
    await expect(client.call('auth.status', {})).resolves.toEqual({ setupRequired: true, siteName: 'X' });
    expect(calls).toEqual([{ name: 'auth.status', input: {} }]);
    expect(client.connectionState).toBe('connected');
  });

  it('throws the typed error of an {ok:false} result', async () => {
    const { api } = fakeApi({ 'users.list': () => ({ ok: false, error: { code: 'forbidden', message: 'Admins only' } }) });
    await expect(new IpcBridgeClient(api).call('users.list', {})).rejects.toMatchObject({ code: 'forbidden', message: 'Admins only' });
  });

  it('resumes the stored session before the first call', async () => {
    const { api, calls } = fakeApi({
      'auth.resume': () => ({ ok: true, value: sampleSession() }),
      'auth.status': () => ({ ok: true, value: { setupRequired: false, siteName: 'X' } }),
    });
    const onResumed = vi.fn();
    const client = new IpcBridgeClient(api, { getToken: () => 'tok-1', onResumed, onResumeFailed: vi.fn() });
    await client.call('auth.status', {});
    expect(calls.map((c) => c.name)).toEqual(['auth.resume', 'auth.status']);
    expect(onResumed).toHaveBeenCalledWith(sampleSession());
  });

  it('passes on pushed events after parsing them', () => {
    const { api, push } = fakeApi({});
    const client = new IpcBridgeClient(api);
    const got: BridgePush[] = [];
    client.subscribe((m) => got.push(m));
    push({ type: 'event', name: 'audit.appended', payload: sampleAudit(1) });
    push({ type: 'event', name: 'audit.appended', payload: { nope: true } });
    push({ type: 'session', notice: { kind: 'ended', reason: 'Signed out' } });
    expect(got).toEqual([
      { type: 'event', name: 'audit.appended', payload: sampleAudit(1) },
      { type: 'session', notice: { kind: 'ended', reason: 'Signed out' } },
    ]);
  });
});
