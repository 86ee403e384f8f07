// Sign out: forget the session here first (so nothing more is shown), then tell the host.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useBridge } from '../query/call-hooks';
import { useSessionStore } from '../state/session-store';
import { forgetSessionData } from './session-runtime';

export function useSignOut(): () => void {
  const client = useBridge();
  const queryClient = useQueryClient();
  return useCallback(() => {
    useSessionStore.getState().signedOut();
    forgetSessionData(queryClient);
    client.call('auth.logout', {}).catch(() => {
      // Already signed out here; a host that missed it ends the session at its expiry.
    });
  }, [client, queryClient]);
}

/** Lock now: the screen locks at once, and the host is told so only a password reopens it. */
export function useLockNow(): () => void {
  const client = useBridge();
  return useCallback(() => {
    useSessionStore.getState().lock();
    client.call('auth.lock', {}).catch(() => {
      // Locked here regardless; unlocking still needs the password.
    });
  }, [client]);
}
