// Local accounts (administrators only): create, change name and role, disable/enable, reset a
// password, clear a lockout. The list follows `user.changed` events, so other admins' changes show.
import { useState, type FormEvent } from 'react';
import { ROLES, calls, type Role, type UserDto } from '../../../preload/contract';
import { Badge } from '../components/badge';
import { Dialog } from '../components/dialog';
import { SelectField, TextField } from '../components/field';
import { LoadState, PageHeader } from '../components/page-header';
import { fieldErrors, hasErrors } from '../lib/form';
import { ROLE_LABELS, formatDateTime, formatWhen } from '../lib/format';
import { useCall, useMutateCall } from '../query/call-hooks';
import { Notice } from '../components/notice';

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

type Editing = { kind: 'create' } | { kind: 'edit'; user: UserDto } | { kind: 'password'; user: UserDto } | null;

export function UsersPage({ me }: { me: UserDto }) {
  const users = useCall('users.list', {});
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const update = useMutateCall('users.update');
  const unlock = useMutateCall('users.unlock');

  const list = [...(users.data?.users ?? [])].sort((a, b) => a.username.localeCompare(b.username));
  const now = Date.now();

  const report = (promise: Promise<unknown>, done: string) => {
    promise.then(
      () => setNotice({ tone: 'ok', text: done }),
      (error: unknown) => setNotice({ tone: 'error', text: error instanceof Error ? error.message : 'The change failed.' }),
    );
  };

  return (
    <div className="page">
      <PageHeader
        title="Users"
        description="Local accounts that can sign in at this site. Changes take effect at once and are recorded in the audit trail."
        actions={
          <button type="button" className="btn btn--primary" onClick={() => setEditing({ kind: 'create' })}>
            New user
          </button>
        }
      />
      {notice && (
        <Notice tone={notice.tone === 'ok' ? 'ok' : 'error'} text={notice.text} onDismiss={() => setNotice(null)} />
      )}
      <section className="card card--flush" aria-label="User accounts">
        <LoadState loading={users.isPending} error={users.error} empty={list.length === 0 && 'No accounts yet.'}>
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col" className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((user) => {
                const isMe = user.id === me.id;
                const lockedOut = user.lockedUntil !== null && user.lockedUntil > now;
                return (
                  <tr key={user.id}>
                    <td>
                      <span className="strong">{user.username}</span>
                      {isMe && <span className="muted"> (you)</span>}
                    </td>
                    <td>{user.displayName}</td>
                    <td>{ROLE_LABELS[user.role]}</td>
                    <td>
                      <UserStatus user={user} lockedOut={lockedOut} />
                    </td>
                    <td className="nowrap">
                      {user.lastLoginAt ? <span title={formatDateTime(user.lastLoginAt)}>{formatWhen(user.lastLoginAt)}</span> : <span className="muted">Never</span>}
                    </td>
                    <td className="col-actions">
                      <div className="row-actions">
                        <button type="button" className="btn btn--ghost btn--small" aria-label={`Edit ${user.username}`} onClick={() => setEditing({ kind: 'edit', user })}>
                          Edit
                        </button>
                        <button type="button" className="btn btn--ghost btn--small" aria-label={`Reset password for ${user.username}`} onClick={() => setEditing({ kind: 'password', user })}>
                          Reset password
                        </button>
                        {lockedOut && (
                          <button
                            type="button"
                            className="btn btn--ghost btn--small"
                            aria-label={`Unlock ${user.username}`}
                            disabled={unlock.isPending}
                            onClick={() => report(unlock.mutateAsync({ id: user.id }), `${user.username} can sign in again.`)}
                          >
                            Unlock
                          </button>
                        )}
                        {!isMe && (
                          <button
                            type="button"
                            className={`btn btn--small ${user.disabled ? 'btn--ghost' : 'btn--ghost-danger'}`}
                            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
                            disabled={update.isPending}
                            onClick={() =>
                              report(
                                update.mutateAsync({ id: user.id, disabled: !user.disabled }),
                                user.disabled ? `${user.username} is enabled.` : `${user.username} is disabled and signed out.`,
                              )
                            }
                          >
                            {user.disabled ? 'Enable' : 'Disable'}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </LoadState>
      </section>
      {editing?.kind === 'create' && (
        <CreateUserDialog
          onClose={() => setEditing(null)}
          onCreated={(user) => {
            setEditing(null);
            setNotice({ tone: 'ok', text: `${user.username} was created.` });
          }}
        />
      )}
      {editing?.kind === 'edit' && (
        <EditUserDialog
          user={editing.user}
          isMe={editing.user.id === me.id}
          onClose={() => setEditing(null)}
          onSaved={(user) => {
            setEditing(null);
            setNotice({ tone: 'ok', text: `${user.username} was updated.` });
          }}
        />
      )}
      {editing?.kind === 'password' && (
        <ResetPasswordDialog
          user={editing.user}
          onClose={() => setEditing(null)}
          onDone={() => {
            setNotice({ tone: 'ok', text: `New password set for ${editing.user.username}. Their open sessions were ended.` });
            setEditing(null);
          }}
        />
      )}
    </div>
  );
}

function UserStatus({ user, lockedOut }: { user: UserDto; lockedOut: boolean }) {
  if (user.disabled) return <Badge tone="neutral">Disabled</Badge>;
  if (lockedOut && user.lockedUntil !== null) {
    return <Badge tone="warn" title={formatDateTime(user.lockedUntil)}>Locked until {formatWhen(user.lockedUntil)}</Badge>;
  }
  return <Badge tone="ok">Active</Badge>;
}

type CreateField = 'username' | 'displayName' | 'role' | 'password';

function CreateUserDialog({ onClose, onCreated }: { onClose(): void; onCreated(user: UserDto): void }) {
  const [values, setValues] = useState<{ username: string; displayName: string; role: Role; password: string }>({
    username: '',
    displayName: '',
    role: 'operator',
    password: '',
  });
  const [touched, setTouched] = useState<Partial<Record<CreateField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const create = useMutateCall('users.create', { onSuccess: onCreated });
  const errors = fieldErrors<CreateField>(calls['users.create'].input, values);
  const shown = (field: CreateField) => (submitted || touched[field] ? errors[field] : undefined);
  const set = <K extends CreateField>(field: K) => (value: (typeof values)[K]) => setValues((current) => ({ ...current, [field]: value }));
  const blur = (field: CreateField) => () => setTouched((current) => ({ ...current, [field]: true }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    create.mutate({ ...values, username: values.username.trim(), displayName: values.displayName.trim() });
  };

  return (
    <Dialog title="New user" description="The person signs in with this username and password; ask them to change the password after their first sign-in." onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Username" value={values.username} onValueChange={set('username')} onBlur={blur('username')} error={shown('username')} autoComplete="off" autoCapitalize="none" spellCheck={false} data-autofocus />
        <TextField label="Display name" value={values.displayName} onValueChange={set('displayName')} onBlur={blur('displayName')} error={shown('displayName')} autoComplete="off" />
        <SelectField label="Role" value={values.role} options={ROLE_OPTIONS} onValueChange={set('role')} error={shown('role')} />
        <TextField label="Password" type="password" value={values.password} onValueChange={set('password')} onBlur={blur('password')} error={shown('password')} autoComplete="new-password" hint="At least 10 characters." />
        {create.isError && (
          <p className="form-error" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function EditUserDialog({ user, isMe, onClose, onSaved }: { user: UserDto; isMe: boolean; onClose(): void; onSaved(user: UserDto): void }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [submitted, setSubmitted] = useState(false);
  const update = useMutateCall('users.update', { onSuccess: onSaved });
  const errors = fieldErrors<'displayName' | 'role'>(calls['users.update'].input, { id: user.id, displayName, role });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    const changes: { displayName?: string; role?: Role } = {};
    if (displayName.trim() !== user.displayName) changes.displayName = displayName.trim();
    if (role !== user.role) changes.role = role;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate({ id: user.id, ...changes });
  };

  return (
    <Dialog title={`Edit ${user.username}`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Display name" value={displayName} onValueChange={setDisplayName} error={submitted ? errors.displayName : undefined} autoComplete="off" data-autofocus />
        <SelectField
          label="Role"
          value={role}
          options={ROLE_OPTIONS}
          onValueChange={(value) => setRole(value)}
          hint={isMe ? 'This is your own account: lowering your role takes effect at once.' : undefined}
        />
        {update.isError && (
          <p className="form-error" role="alert">
            {update.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose, onDone }: { user: UserDto; onClose(): void; onDone(): void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const reset = useMutateCall('users.resetPassword', { onSuccess: onDone });
  const errors = fieldErrors<'password'>(calls['users.resetPassword'].input, { id: user.id, password });
  const confirmError = !confirm ? 'Type the password again.' : confirm !== password ? 'Passwords do not match.' : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors) || confirmError) return;
    reset.mutate({ id: user.id, password });
  };

  return (
    <Dialog title={`Reset password for ${user.username}`} description="Their open sessions end, and they sign in with the new password." onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="New password" type="password" value={password} onValueChange={setPassword} error={submitted ? errors.password : undefined} autoComplete="new-password" hint="At least 10 characters." data-autofocus />
        <TextField label="Confirm new password" type="password" value={confirm} onValueChange={setConfirm} error={submitted ? confirmError : undefined} autoComplete="new-password" />
        {reset.isError && (
          <p className="form-error" role="alert">
            {reset.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={reset.isPending}>
            {reset.isPending ? 'Saving…' : 'Set password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
