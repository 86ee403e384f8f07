// One valid input per call. Typed against the contract: a new call without a sample does not compile.
import type { CallInput, CallName } from '../../preload/contract';

export const SAMPLE_ID = '01J00000000000000000000000';

export function sampleInputs(ids: { userId: string }): { [N in CallName]: CallInput<N> } {
  return {
    'auth.status': {},
    'auth.setup': { username: 'firstadmin', displayName: 'First Admin', password: 'long-enough-password' },
    'auth.login': { username: 'nobody', password: 'whatever-password' },
    'auth.resume': { token: 'not-a-real-token' },
    'auth.unlock': { password: 'whatever-password' },
    'auth.lock': {},
    'auth.logout': {},
    'auth.changePassword': { currentPassword: 'wrong-password-here', newPassword: 'another-long-password' },
    'users.list': {},
    'users.create': { username: 'sample.user', displayName: 'Sample', role: 'operator', password: 'long-enough-password' },
    'users.update': { id: ids.userId, displayName: 'Renamed' },
    'users.resetPassword': { id: ids.userId, password: 'long-enough-password' },
    'users.unlock': { id: ids.userId },
    'audit.list': { limit: 10 },
    'audit.verify': {},
    'settings.get': {},
    'settings.update': { siteName: 'Plant 7' },
    'system.info': {},
    'tasks.create': { type: 'inspect', title: 'Inspect part 42', priority: 'high', payload: { part: 42 }, requires: { inspect: 2 } },
    'tasks.createBatch': { tasks: [{ type: 'weld', ref: 'a' }, { type: 'inspect', dependsOnRefs: ['a'] }] },
    'tasks.list': { status: ['ready'], limit: 10 },
    'tasks.get': { id: SAMPLE_ID },
    'tasks.cancel': { id: SAMPLE_ID, reason: 'no longer needed' },
    'tasks.retryNow': { id: SAMPLE_ID },
    'tasks.setPriority': { id: SAMPLE_ID, priority: 'low' },
    'agents.list': {},
    'agents.create': { name: 'Sample robot', kind: 'robot', skills: { weld: 3 }, capacity: 1 },
    'agents.update': { id: SAMPLE_ID, status: 'paused' },
    'agents.listKeys': {},
    'agents.createKey': { agentId: SAMPLE_ID, scopes: ['agent'] },
    'agents.revokeKey': { id: SAMPLE_ID },
  };
}
