// Site settings (administrators edit, everyone else reads) and "Change my password" for everyone.
import { useState, type FormEvent } from 'react';
import { Settings, calls, type UserDto } from '../../../preload/contract';
import { Card } from '../components/card';
import { TextField } from '../components/field';
import { LoadState, PageHeader } from '../components/page-header';
import { fieldErrors, hasErrors, type FieldErrors } from '../lib/form';
import { useCall, useMutateCall } from '../query/call-hooks';

export function SettingsPage({ me }: { me: UserDto }) {
  return (
    <div className="page">
      <PageHeader title="Settings" description="Site-wide rules for sessions and sign-in, and your own password." />
      <div className="settings-grid">
        <SiteSettingsCard canEdit={me.role === 'admin'} />
        <ChangePasswordCard />
      </div>
    </div>
  );
}

type SettingsKey = keyof Settings;
type Draft = Record<SettingsKey, string>;

const FIELDS: ReadonlyArray<{ key: SettingsKey; label: string; hint: string; numeric: boolean; min?: number; max?: number }> = [
  { key: 'siteName', label: 'Site name', hint: 'Shown in the header and on the sign-in screen.', numeric: false },
  { key: 'sessionIdleLockMinutes', label: 'Lock screen after idle (minutes)', hint: 'No keyboard or mouse use; 1 to 240.', numeric: true, min: 1, max: 240 },
  { key: 'sessionMaxHours', label: 'Longest session (hours)', hint: 'Then sign in again; 1 to 72.', numeric: true, min: 1, max: 72 },
  { key: 'lockoutThreshold', label: 'Failed sign-ins before lockout', hint: '3 to 20 attempts.', numeric: true, min: 3, max: 20 },
  { key: 'lockoutMinutes', label: 'Lockout duration (minutes)', hint: '1 to 1440.', numeric: true, min: 1, max: 1440 },
];

function toDraft(settings: Settings): Draft {
  return {
    siteName: settings.siteName,
    sessionIdleLockMinutes: String(settings.sessionIdleLockMinutes),
    sessionMaxHours: String(settings.sessionMaxHours),
    lockoutThreshold: String(settings.lockoutThreshold),
    lockoutMinutes: String(settings.lockoutMinutes),
  };
}

function fromDraft(draft: Draft): { values: Record<SettingsKey, unknown>; errors: FieldErrors<SettingsKey> } {
  const values: Record<SettingsKey, unknown> = { ...draft };
  const errors: FieldErrors<SettingsKey> = {};
  for (const field of FIELDS) {
    if (!field.numeric) continue;
    const text = draft[field.key].trim();
    if (!/^\d+$/.test(text)) errors[field.key] = 'Enter a whole number.';
    else values[field.key] = Number(text);
  }
  return { values, errors: { ...fieldErrors<SettingsKey>(Settings, values), ...errors } };
}

function SiteSettingsCard({ canEdit }: { canEdit: boolean }) {
  const settings = useCall('settings.get', {});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const update = useMutateCall('settings.update', {
    onSuccess: () => {
      setDraft(null);
      setSubmitted(false);
      setSaved(true);
    },
  });

  const current = draft ?? (settings.data ? toDraft(settings.data) : null);
  const { values, errors } = current ? fromDraft(current) : { values: {}, errors: {} };

  const renderField = (field: (typeof FIELDS)[number]) =>
    current && (
      <TextField
        key={field.key}
        label={field.label}
        value={current[field.key]}
        onValueChange={(value) => {
          setSaved(false);
          setDraft({ ...current, [field.key]: value });
        }}
        error={submitted ? errors[field.key] : undefined}
        hint={field.hint}
        readOnly={!canEdit}
        inputMode={field.numeric ? 'numeric' : undefined}
        type={field.numeric ? 'number' : 'text'}
        min={field.min}
        max={field.max}
        step={field.numeric ? 1 : undefined}
        maxLength={field.numeric ? undefined : 120}
      />
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!current || !settings.data) return;
    setSubmitted(true);
    if (hasErrors(errors)) return;
    const parsed = Settings.parse(values);
    const changes: Partial<Settings> = {};
    for (const key of Object.keys(parsed) as SettingsKey[]) {
      if (parsed[key] !== settings.data[key]) (changes as Record<string, unknown>)[key] = parsed[key];
    }
    update.mutate(changes);
  };

  return (
    <Card title="Site settings">
      <LoadState loading={settings.isPending} error={settings.error}>
        {current && (
          <form className="form" onSubmit={submit} noValidate>
            {!canEdit && <p className="notice notice--info">Only an administrator can change site settings.</p>}
            {renderField(FIELDS[0]!)}
            <div className="form__row">
              {renderField(FIELDS[1]!)}
              {renderField(FIELDS[2]!)}
            </div>
            <div className="form__row">
              {renderField(FIELDS[3]!)}
              {renderField(FIELDS[4]!)}
            </div>
            {update.isError && (
              <p className="form-error" role="alert">
                {update.error.message}
              </p>
            )}
            {canEdit && (
              <div className="form__actions">
                <button type="submit" className="btn btn--primary" disabled={update.isPending || draft === null}>
                  {update.isPending ? 'Saving…' : 'Save settings'}
                </button>
                {draft !== null && (
                  <button type="button" className="btn btn--ghost" onClick={() => { setDraft(null); setSubmitted(false); }}>
                    Discard changes
                  </button>
                )}
                <span className="form__status" role="status">
                  {saved && draft === null ? 'Settings saved.' : ''}
                </span>
              </div>
            )}
          </form>
        )}
      </LoadState>
    </Card>
  );
}

type PasswordField = 'currentPassword' | 'newPassword' | 'confirm';

function ChangePasswordCard() {
  const empty = { currentPassword: '', newPassword: '', confirm: '' };
  const [values, setValues] = useState<Record<PasswordField, string>>(empty);
  const [submitted, setSubmitted] = useState(false);
  const [done, setDone] = useState(false);
  const change = useMutateCall('auth.changePassword', {
    onSuccess: () => {
      setValues(empty);
      setSubmitted(false);
      setDone(true);
    },
  });
  const errors: FieldErrors<PasswordField> = fieldErrors(calls['auth.changePassword'].input, values);
  if (!values.confirm) errors.confirm = 'Type the new password again.';
  else if (values.confirm !== values.newPassword) errors.confirm = 'Passwords do not match.';
  if (!errors.newPassword && values.newPassword && values.newPassword === values.currentPassword) {
    errors.newPassword = 'Choose a password different from the current one.';
  }
  const bind = (field: PasswordField) => ({
    value: values[field],
    onValueChange: (value: string) => {
      setDone(false);
      setValues((current) => ({ ...current, [field]: value }));
    },
    error: submitted ? errors[field] : undefined,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    change.mutate({ currentPassword: values.currentPassword, newPassword: values.newPassword });
  };

  return (
    <Card title="Change my password">
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Current password" type="password" autoComplete="current-password" {...bind('currentPassword')} />
        <TextField label="New password" type="password" autoComplete="new-password" hint="At least 10 characters." {...bind('newPassword')} />
        <TextField label="Confirm new password" type="password" autoComplete="new-password" {...bind('confirm')} />
        {change.isError && (
          <p className="form-error" role="alert">
            {change.error.message}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
          <span className="form__status" role="status">
            {done ? 'Your password was changed.' : ''}
          </span>
        </div>
      </form>
    </Card>
  );
}
