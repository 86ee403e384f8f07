// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../bridge/bridge-error';
import { sessionVerdict } from './query-client';

describe('sessionVerdict', () => {
  it('locks on unauthenticated with details.locked', () => {
    expect(sessionVerdict('users.list', new BridgeError('unauthenticated', 'The session is locked', { locked: true }))).toBe('lock');
  });

  it('ends the session on any other unauthenticated answer to a signed-in call', () => {
    expect(sessionVerdict('users.list', new BridgeError('unauthenticated', 'Session expired'))).toBe('end');
  });

  it('leaves a wrong password at sign-in, unlock or password change to the form', () => {
    for (const call of ['auth.login', 'auth.setup', 'auth.unlock', 'auth.changePassword']) {
      expect(sessionVerdict(call, new BridgeError('unauthenticated', 'Wrong username or password'))).toBeNull();
    }
  });

  it('ignores other errors', () => {
    expect(sessionVerdict('users.list', new BridgeError('forbidden', 'no'))).toBeNull();
    expect(sessionVerdict('users.list', new Error('boom'))).toBeNull();
  });
});
