// The session is locked (idle, the Lock button, or the host said so): only the same password opens
// it again. Nothing of the app is rendered behind it.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { AuthLayout } from '../components/auth-layout';
import { TextField } from '../components/field';
import { ROLE_LABELS } from '../lib/format';
import { useMutateCall } from '../query/call-hooks';
import { completeSignIn } from '../session/session-runtime';
import { useSessionStore } from '../state/session-store';
import { useSignOut } from '../session/use-sign-out';

export function LockScreen() {
  const queryClient = useQueryClient();
  const who = useSessionStore((state) => state.who);
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const signOut = useSignOut();
  const unlock = useMutateCall('auth.unlock', {
    onSuccess: (session) => {
      completeSignIn(queryClient, session);
      void queryClient.invalidateQueries();
    },
    onError: () => {
      setPassword('');
      passwordRef.current?.focus();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!password) {
      setMissing(true);
      passwordRef.current?.focus();
      return;
    }
    setMissing(false);
    unlock.mutate({ password });
  };

  return (
    <AuthLayout
      title="Session locked"
      subtitle={
        who ? (
          <>
            Signed in as <strong>{who.displayName}</strong> ({who.username}, {ROLE_LABELS[who.role]}). Enter your password to
            continue.
          </>
        ) : (
          'Enter your password to continue.'
        )
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label="Password"
          type="password"
          value={password}
          onValueChange={setPassword}
          error={missing ? 'Enter your password.' : undefined}
          autoComplete="current-password"
          inputRef={passwordRef}
          autoFocus
        />
        {unlock.isError && (
          <p className="form-error" role="alert">
            {unlock.error.message}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={unlock.isPending}>
            {unlock.isPending ? 'Unlocking…' : 'Unlock'}
          </button>
          <button type="button" className="btn btn--secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </form>
    </AuthLayout>
  );
}
