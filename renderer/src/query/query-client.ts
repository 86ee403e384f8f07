// The app's QueryClient: retries only what a retry can fix (a dropped connection), and reports
// every `unauthenticated` answer so the session can lock or end in one place.
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isBridgeError, isLockedError } from '../bridge/bridge-error';

/** Calls whose `unauthenticated` answer is about the password typed, not about the session. */
const PASSWORD_CALLS = new Set(['auth.login', 'auth.setup', 'auth.unlock', 'auth.changePassword', 'auth.status']);

export type SessionVerdict = 'lock' | 'end' | null;

/** What an error from `callName` means for the session. */
export function sessionVerdict(callName: unknown, error: unknown): SessionVerdict {
  if (!isBridgeError(error) || error.code !== 'unauthenticated') return null;
  if (isLockedError(error)) return 'lock';
  if (typeof callName === 'string' && PASSWORD_CALLS.has(callName)) return null;
  return 'end';
}

export interface SessionErrorReport {
  kind: 'lock' | 'end';
  message: string;
  details: unknown;
}

export function createQueryClient(onSessionError: (report: SessionErrorReport) => void): QueryClient {
  const report = (callName: unknown, error: unknown) => {
    const verdict = sessionVerdict(callName, error);
    if (verdict && isBridgeError(error)) onSessionError({ kind: verdict, message: error.message, details: error.details });
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => report(query.queryKey[0], error) }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _result, mutation) => report(mutation.options.meta?.['call'], error),
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => isBridgeError(error) && error.code === 'unavailable' && failures < 3,
      },
      mutations: { retry: false },
    },
  });
}
