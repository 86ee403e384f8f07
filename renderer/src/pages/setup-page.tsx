// First run: no account exists yet, so the person at the workstation creates the first administrator.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { calls } from '../../../preload/contract';
import { AuthLayout } from '../components/auth-layout';
import { TextField } from '../components/field';
import { fieldErrors, hasErrors, type FieldErrors } from '../lib/form';
import { useMutateCall } from '../query/call-hooks';
import { completeSignIn } from '../session/session-runtime';

type SetupField = 'username' | 'displayName' | 'password' | 'confirm';

function validate(values: Record<SetupField, string>): FieldErrors<SetupField> {
  const errors: FieldErrors<SetupField> = fieldErrors(calls['auth.setup'].input, {
    username: values.username,
    displayName: values.displayName,
    password: values.password,
  });
  if (!values.confirm) errors.confirm = 'Type the password again.';
  else if (values.confirm !== values.password) errors.confirm = 'Passwords do not match.';
  return errors;
}

export function SetupPage({ siteName }: { siteName: string }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<SetupField, string>>({ username: '', displayName: '', password: '', confirm: '' });
  const [touched, setTouched] = useState<Partial<Record<SetupField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const setup = useMutateCall('auth.setup', {
    onSuccess: (session) => {
      void queryClient.invalidateQueries({ queryKey: ['auth.status'] });
      completeSignIn(queryClient, session);
    },
  });

  const errors = validate(values);
  const shown = (field: SetupField) => (submitted || touched[field] ? errors[field] : undefined);
  const bind = (field: SetupField) => ({
    value: values[field],
    onValueChange: (value: string) => setValues((current) => ({ ...current, [field]: value })),
    onBlur: () => setTouched((current) => ({ ...current, [field]: true })),
    error: shown(field),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    setup.mutate({ username: values.username.trim(), displayName: values.displayName.trim(), password: values.password });
  };

  return (
    <AuthLayout
      title="Create the first administrator"
      subtitle={
        <>
          Welcome to Delegate{siteName ? ` at ${siteName}` : ''}. No account exists yet: the account you create now can add
          everyone else.
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Username" {...bind('username')} autoComplete="username" autoCapitalize="none" spellCheck={false} autoFocus hint="Letters, digits, dot, dash and underscore." />
        <TextField label="Display name" {...bind('displayName')} autoComplete="name" />
        <TextField label="Password" type="password" {...bind('password')} autoComplete="new-password" hint="At least 10 characters." />
        <TextField label="Confirm password" type="password" {...bind('confirm')} autoComplete="new-password" />
        {setup.isError && (
          <p className="form-error" role="alert">
            {setup.error.message}
          </p>
        )}
        <button type="submit" className="btn btn--primary btn--block" disabled={setup.isPending}>
          {setup.isPending ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthLayout>
  );
}
