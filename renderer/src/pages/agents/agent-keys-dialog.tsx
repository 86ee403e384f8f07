// An agent's API keys: list (never the secrets), create one — its secret shown this once, with a
// copy button and a plain warning — and revoke (after a confirmation, as it cannot be undone).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { API_KEY_SCOPES, calls, type AgentDto, type ApiKeyDto, type ApiKeyScope, type UserDto } from '../../../../preload/contract';
import { Badge } from '../../components/badge';
import { Dialog } from '../../components/dialog';
import { TextField } from '../../components/field';
import { LoadState } from '../../components/page-header';
import { fieldErrors, hasErrors } from '../../lib/form';
import { formatDateTime, formatWhen } from '../../lib/format';
import { useCall, useMutateCall } from '../../query/call-hooks';

const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  agent: 'claim and report its own tasks',
  submit: 'create and read tasks',
  admin: 'everything the agent API offers (administrators only)',
};

export function AgentKeysDialog({ agent, me, onClose }: { agent: AgentDto; me: UserDto; onClose(): void }) {
  const keys = useCall('agents.listKeys', { agentId: agent.id });
  const [created, setCreated] = useState<{ key: ApiKeyDto; secret: string } | null>(null);
  const list = [...(keys.data?.keys ?? [])].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
  // A key revoked while its secret is still on screen: the secret is worthless now, so it goes.
  const shownRevoked = created !== null && list.some((k) => k.id === created.key.id && k.revokedAt !== null);
  useEffect(() => {
    if (shownRevoked) setCreated(null);
  }, [shownRevoked]);

  return (
    <Dialog title={`API keys of ${agent.name}`} description="An agent joins the gateway with one of these keys. Keys are stored hashed; a revoked key stops working at once." onClose={onClose} size="xwide">
      <div className="form">
        {created ? <SecretOnce created={created} onDone={() => setCreated(null)} /> : <CreateKeyForm agent={agent} me={me} onCreated={setCreated} />}
        <section aria-label="Keys">
          <h3 className="section-title">Keys</h3>
          <LoadState loading={keys.isPending} error={keys.error} empty={list.length === 0 && 'No keys yet.'}>
            <div className="table-scroll table-scroll--bordered">
              <table className="table table--compact" aria-label="API keys">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="col-actions">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((key) => (
                    <KeyRow key={key.id} apiKey={key} />
                  ))}
                </tbody>
              </table>
            </div>
          </LoadState>
        </section>
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function CreateKeyForm({ agent, me, onCreated }: { agent: AgentDto; me: UserDto; onCreated(created: { key: ApiKeyDto; secret: string }): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['agent']);
  const [submitted, setSubmitted] = useState(false);
  const create = useMutateCall('agents.createKey', { onSuccess: onCreated });
  const input = { agentId: agent.id, scopes, ...(name.trim() ? { name: name.trim() } : {}) };
  const errors = fieldErrors<'name' | 'scopes'>(calls['agents.createKey'].input, input);
  const isAdmin = me.role === 'admin';
  const scopesId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) return;
    create.mutate(input);
  };

  return (
    <form className="key-form" onSubmit={submit} noValidate aria-label="Create key">
      <h3 className="section-title">Create a key</h3>
      <div className="key-form__row">
        <TextField label="Key name" value={name} onValueChange={setName} error={submitted ? errors.name : undefined} placeholder="e.g. cell-2 controller" maxLength={64} autoComplete="off" data-autofocus />
        <fieldset className="scopes" aria-describedby={submitted && errors.scopes ? `${scopesId}-error` : undefined}>
          <legend className="field__label">Scopes</legend>
          <div className="scopes__list">
            {API_KEY_SCOPES.map((scope) => {
              const disabled = scope === 'admin' && !isAdmin;
              return (
                <label key={scope} className={`check${disabled ? ' check--disabled' : ''}`} title={SCOPE_HINTS[scope]}>
                  <input
                    type="checkbox"
                    checked={scopes.includes(scope)}
                    disabled={disabled}
                    onChange={(event) => setScopes((current) => (event.target.checked ? API_KEY_SCOPES.filter((s) => s === scope || current.includes(s)) : current.filter((s) => s !== scope)))}
                  />
                  <span>
                    <code>{scope}</code>
                    <span className="muted scopes__hint"> {SCOPE_HINTS[scope]}</span>
                  </span>
                </label>
              );
            })}
          </div>
          {submitted && errors.scopes && (
            <p className="field__error" id={`${scopesId}-error`}>
              {errors.scopes}
            </p>
          )}
        </fieldset>
        <div className="key-form__submit">
          <button type="submit" className="btn btn--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </div>
      {create.isError && (
        <p className="form-error" role="alert">
          {create.error.message}
        </p>
      )}
    </form>
  );
}

function SecretOnce({ created, onDone }: { created: { key: ApiKeyDto; secret: string }; onDone(): void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied('yes');
    } catch {
      // No clipboard permission (some kiosk browsers): select it so Ctrl+C works.
      inputRef.current?.select();
      setCopied('no');
    }
  };
  return (
    <section className="secret-once" aria-label="New key">
      <p className="secret-once__warning" role="alert">
        <strong>Copy this key now.</strong> It is shown only this once and cannot be shown again; if it is lost, create a new key and revoke this one.
      </p>
      <div className="secret-once__row">
        <TextField label={`Key “${created.key.name}”`} value={created.secret} onValueChange={() => {}} readOnly inputRef={inputRef} fieldClassName="secret-once__field" onFocus={(event) => event.currentTarget.select()} spellCheck={false} />
        <button type="button" className="btn btn--primary" onClick={() => void copy()}>
          Copy key
        </button>
      </div>
      <div className="secret-once__footer">
        <span role="status" className={copied === 'yes' ? 'text-ok' : 'muted'}>
          {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Copying is not allowed here: the key is selected, press Ctrl+C.' : ''}
        </span>
        <button type="button" className="btn btn--secondary" onClick={onDone}>
          I have stored the key
        </button>
      </div>
    </section>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKeyDto }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutateCall('agents.revokeKey', { onSuccess: () => setConfirming(false) });
  const revoked = apiKey.revokedAt !== null;
  return (
    <tr className={revoked ? 'row--muted' : undefined}>
      <td className="strong">{apiKey.name}</td>
      <td>
        <code>{apiKey.prefix}…</code>
      </td>
      <td>
        <span className="chips chips--nowrap">
          {apiKey.scopes.map((scope) => (
            <span key={scope} className="chip">
              {scope}
            </span>
          ))}
        </span>
      </td>
      <td className="nowrap" title={formatDateTime(apiKey.createdAt)}>
        {formatWhen(apiKey.createdAt)}
      </td>
      <td className="nowrap">{apiKey.lastUsedAt === null ? <span className="muted">Never</span> : <span title={formatDateTime(apiKey.lastUsedAt)}>{formatWhen(apiKey.lastUsedAt)}</span>}</td>
      <td>
        {revoked ? (
          <Badge tone="neutral" title={formatDateTime(apiKey.revokedAt!)}>
            Revoked
          </Badge>
        ) : (
          <Badge tone="ok">Active</Badge>
        )}
      </td>
      <td className="col-actions">
        {!revoked &&
          (confirming ? (
            <div className="row-actions">
              <button type="button" className="btn btn--danger btn--small" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: apiKey.id })} aria-label={`Confirm revoking ${apiKey.name}`}>
                {revoke.isPending ? 'Revoking…' : 'Revoke now'}
              </button>
              <button type="button" className="btn btn--ghost btn--small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </div>
          ) : (
            <button type="button" className="btn btn--ghost-danger btn--small" onClick={() => setConfirming(true)} aria-label={`Revoke ${apiKey.name}`}>
              Revoke
            </button>
          ))}
        {revoke.isError && (
          <span className="text-danger" role="alert">
            {revoke.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}
