// Sign-in: username + password, Enter submits, the host's own message on failure (wrong
// password, locked out until …).
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { calls } from '../../../preload/contract';
import { AuthLayout } from '../components/auth-layout';
import { TextField } from '../components/field';
import { fieldErrors, hasErrors } from '../lib/form';
import { useMutateCall } from '../query/call-hooks';
import { completeSignIn } from '../session/session-runtime';
import { useSessionStore } from '../state/session-store';

export function LoginPage({ siteName }: { siteName: string }) {
  const queryClient = useQueryClient();
  const endedReason = useSessionStore((state) => state.endedReason);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const login = useMutateCall('auth.login', {
    onSuccess: (session) => completeSignIn(queryClient, session),
    onError: () => {
      // The host's message says what was wrong; the emptied field is not a new mistake.
      setSubmitted(false);
      setPassword('');
      passwordRef.current?.focus();
    },
  });

  const errors = submitted ? fieldErrors(calls['auth.login'].input, { username, password }) : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(fieldErrors(calls['auth.login'].input, { username, password }))) return;
    login.mutate({ username: username.trim(), password });
  };

  return (
    <AuthLayout title="Sign in" subtitle={siteName}>
      {endedReason && !login.isError && (
        <div className="notice notice--info">
          <strong>You were signed out.</strong> {/[.!?]$/.test(endedReason) ? endedReason : `${endedReason}.`}
        </div>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label="Username"
          value={username}
          onValueChange={setUsername}
          error={errors.username}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onValueChange={setPassword}
          error={errors.password}
          autoComplete="current-password"
          inputRef={passwordRef}
        />
        {login.isError && (
          <p className="form-error" role="alert">
            {login.error.message}
          </p>
        )}
        <button type="submit" className="btn btn--primary btn--block" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
