// Site settings (administrators edit, everyone else reads) and "Change my password" for everyone.
import { useId, useState, type FormEvent } from 'react';
import { calls, type UserDto } from '../../../preload/contract';
import { Card } from '../components/card';
import { TextField } from '../components/field';
import { LoadState, PageHeader } from '../components/page-header';
import { fieldErrors, hasErrors, type FieldErrors } from '../lib/form';
import { changedSettings, NUMERIC_SETTINGS, readSiteSettings, siteSettingsDraft, type NumericSettingsKey, type SiteSettingsDraft } from '../lib/site-settings';
import { useCall, useMutateCall } from '../query/call-hooks';

export function SettingsPage({ me }: { me: UserDto }) {
  return (
    <div className="page">
      <PageHeader title="Settings" description="Site-wide rules for sessions, sign-in and the task queue, and your own password." />
      <div className="settings-grid">
        <SiteSettingsCard canEdit={me.role === 'admin'} />
        <ChangePasswordCard />
      </div>
    </div>
  );
}

function SiteSettingsCard({ canEdit }: { canEdit: boolean }) {
  const settings = useCall('settings.get', {});
  const [draft, setDraft] = useState<SiteSettingsDraft | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const agingHintId = useId();
  const update = useMutateCall('settings.update', {
    onSuccess: () => {
      setDraft(null);
      setSubmitted(false);
      setSaved(true);
    },
  });

  const current = draft ?? (settings.data ? siteSettingsDraft(settings.data) : null);
  const { settings: next, errors } = current ? readSiteSettings(current) : { settings: null, errors: {} };
  const change = (patch: Partial<SiteSettingsDraft>) => {
    if (!current) return;
    setSaved(false);
    setDraft({ ...current, ...patch });
  };

  const renderField = (key: 'siteName' | NumericSettingsKey) => {
    if (!current) return null;
    const numeric = key === 'siteName' ? null : NUMERIC_SETTINGS[key];
    return (
      <TextField
        key={key}
        label={numeric?.label ?? 'Site name'}
        value={current[key]}
        onValueChange={(value) => change({ [key]: value })}
        error={submitted ? errors[key] : undefined}
        hint={numeric?.hint ?? 'Shown in the header and on the sign-in screen.'}
        readOnly={!canEdit}
        inputMode={numeric ? 'numeric' : undefined}
        type={numeric ? 'number' : 'text'}
        min={numeric?.min}
        max={numeric?.max}
        step={numeric ? 1 : undefined}
        maxLength={numeric ? undefined : 120}
      />
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!current || !settings.data) return;
    setSubmitted(true);
    if (!next) return;
    update.mutate(changedSettings(next, settings.data));
  };

  return (
    <Card title="Site settings">
      <LoadState loading={settings.isPending} error={settings.error}>
        {current && (
          <form className="form" onSubmit={submit} noValidate>
            {!canEdit && <p className="notice notice--info">Only an administrator can change site settings.</p>}
            {renderField('siteName')}
            <div className="form__row">
              {renderField('sessionIdleLockMinutes')}
              {renderField('sessionMaxHours')}
            </div>
            <div className="form__row">
              {renderField('lockoutThreshold')}
              {renderField('lockoutMinutes')}
            </div>
            <h3 className="section-title">Task queue</h3>
            {renderField('taskRetentionDays')}
            <div className="field">
              <label className={`check${canEdit ? '' : ' check--disabled'}`}>
                <input
                  type="checkbox"
                  checked={current.taskAging}
                  disabled={!canEdit}
                  aria-describedby={agingHintId}
                  onChange={(event) => change({ taskAging: event.target.checked })}
                />
                <span>Aging: let waiting low-priority work move up</span>
              </label>
              <p className="field__hint" id={agingHintId}>
                On: work gains priority while it waits, so a flood of urgent work cannot hold low-priority work back forever.
                Off: strict priority order. Applies at once, to work already waiting too.
              </p>
            </div>
            {renderField('taskAgingStepMinutes')}
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
