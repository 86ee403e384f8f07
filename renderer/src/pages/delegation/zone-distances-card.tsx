// How far apart the site's zones are, for the zone points of the score: one row per pair of zones,
// saved as a whole table with `delegation.updateSettings`. Zones agents are in are offered as
// suggestions, and a name that differs from another only in capitals or spaces is warned about
// (names match exactly). A change made meanwhile in another session is pointed out, never
// silently overwritten.
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ZONE_DISTANCES_MAX, type DelegationSettings, type ZoneDistance } from '../../../../preload/contract';
import { Card } from '../../components/card';
import {
  addZoneDistanceRow,
  parseZoneDistances,
  sameZoneDistances,
  zoneDistanceOptions,
  zoneDistanceRows,
  zoneNameWarnings,
  zonePointsText,
  zoneSuggestions,
  type ZoneDistanceRow,
  type ZoneRowField,
} from '../../lib/delegation-settings';
import { useCall, useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';
import { SaveDiscard } from './save-discard';

export function ZoneDistancesCard({ settings, canEdit }: { settings: DelegationSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const listId = useId();
  const current = settings.zoneDistances ?? [];
  const [edit, setEdit] = useState<{ rows: ZoneDistanceRow[]; base: readonly ZoneDistance[] } | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const agents = useCall('agents.list', {}, { staleTime: 60_000, enabled: canEdit });
  const update = useMutateCall('delegation.updateSettings', {
    onSuccess: (next) => {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), next);
      setEdit(null);
      setSubmitted(false);
      setSaved(true);
    },
  });

  const rows = edit?.rows ?? zoneDistanceRows(current);
  const { pairs, changed, errors } = parseZoneDistances(rows, current);
  // Our own save announces itself (settingsChanged) before it answers: not someone else's change.
  const changedElsewhere = edit !== null && !update.isPending && !sameZoneDistances(edit.base, current);
  const suggestions = zoneSuggestions(agents.data?.agents ?? [], current);
  // Shown as typed, and on a save too: a warning, never a refusal.
  const warnings = canEdit ? zoneNameWarnings(rows, agents.data?.agents ?? []) : {};
  const disabled = !canEdit || update.isPending;

  const change = (next: ZoneDistanceRow[]) => {
    setSaved(false);
    update.reset();
    setEdit({ rows: next, base: edit?.base ?? current });
  };
  const setField = (key: number, field: ZoneRowField, value: string) => change(rows.map((r) => (r.key === key ? { ...r, [field]: value } : r)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!pairs || !edit) return;
    if (!changed) {
      setEdit(null);
      setSubmitted(false);
      return;
    }
    update.mutate({ zoneDistances: pairs });
  };

  return (
    <Card title="Zone distances" className="delegation-card">
      <form className="form zone-distances-form" onSubmit={submit} noValidate aria-label="Zone distances">
        <p className="delegation-card__intro">
          How far apart the site’s zones are, for the “Way to the work” points of the score. An agent in the task’s own zone gets full points;
          in a zone listed here as near it still gets most of them, so the engine prefers it over one across the site. Zones not listed
          together count as far apart (no points). Zones are written as on the agents and in the tasks’ <code>zone:</code> tag.
        </p>
        {changedElsewhere && (
          <p className="notice notice--warn" role="status">
            Someone changed the zone distances while you were editing. Save to replace theirs with yours, or discard your changes to see theirs.
          </p>
        )}
        {rows.length === 0 ? (
          <p className="muted">No distances set: an agent outside the task’s zone gets no zone points, wherever it is.</p>
        ) : (
          // Fixed columns: a message under one field or a longer zone name does not shift the others.
          <table className="table table--compact zone-distances">
            <colgroup>
              <col className="zone-distances__zone" />
              <col className="zone-distances__zone" />
              <col className="zone-distances__how-far" />
              <col />
              {canEdit && <col className="zone-distances__actions" />}
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Zone</th>
                <th scope="col">Other zone</th>
                <th scope="col">How far apart</th>
                <th scope="col">For an agent there</th>
                {/* Named by aria-label: a visually hidden span here is placed against the page and stretches it. */}
                {canEdit && <th scope="col" className="col-actions" aria-label="Remove" />}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <ZoneRow
                  key={row.key}
                  row={row}
                  number={index + 1}
                  listId={listId}
                  errors={submitted ? (errors.rows[row.key] ?? {}) : {}}
                  warnings={warnings[row.key] ?? {}}
                  disabled={disabled}
                  canEdit={canEdit}
                  onChange={(field, value) => setField(row.key, field, value)}
                  onRemove={() => change(rows.filter((r) => r.key !== row.key))}
                />
              ))}
            </tbody>
          </table>
        )}
        <datalist id={listId}>
          {suggestions.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        {submitted && errors.form && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
        {update.error && (
          <p className="form-error" role="alert">
            Not saved: {update.error.message}
          </p>
        )}
        {canEdit && (
          <div className="form__actions">
            <button
              type="button"
              className="btn btn--secondary"
              disabled={disabled || rows.length >= ZONE_DISTANCES_MAX}
              onClick={() => change(addZoneDistanceRow(rows))}
            >
              Add a pair of zones
            </button>
            <SaveDiscard
              label="Save zone distances"
              dirty={edit !== null}
              pending={update.isPending}
              onDiscard={() => {
                setEdit(null);
                setSubmitted(false);
                update.reset();
              }}
            />
            <span className="form__status" role="status">
              {saved && edit === null ? 'Zone distances saved.' : ''}
            </span>
          </div>
        )}
      </form>
    </Card>
  );
}

function ZoneRow(props: {
  row: ZoneDistanceRow;
  number: number;
  listId: string;
  errors: Partial<Record<ZoneRowField, string>>;
  /** A zone name that differs from another only in capitals or spaces (shown when there is no error). */
  warnings: Partial<Record<'a' | 'b', string>>;
  disabled: boolean;
  /** false: shown as words, nothing to change. */
  canEdit: boolean;
  onChange(field: ZoneRowField, value: string): void;
  onRemove(): void;
}) {
  const { row, number, listId, errors, warnings, disabled, canEdit, onChange, onRemove } = props;
  const id = useId();
  if (!canEdit) {
    // Read-only: the table as words (as the task types' card shows its weights).
    const level = zoneDistanceOptions(row.distance).find((o) => o.value === row.distance);
    return (
      <tr>
        <td className="truncate" title={row.a}>{row.a}</td>
        <td className="truncate" title={row.b}>{row.b}</td>
        <td>{level?.label ?? row.distance}</td>
        <td className="muted">{zonePointsText(row.distance)}</td>
      </tr>
    );
  }
  const zoneInput = (field: 'a' | 'b', label: string) => {
    const warning = errors[field] ? undefined : warnings[field];
    const described = errors[field] ? `${id}-${field}` : warning ? `${id}-${field}-warning` : undefined;
    return (
      <td className={errors[field] ? 'field--invalid' : undefined}>
        <input
          className="input"
          value={row[field]}
          list={listId}
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          disabled={disabled}
          aria-label={`${label}, row ${number}`}
          aria-invalid={errors[field] ? true : undefined}
          aria-describedby={described}
          onChange={(event) => onChange(field, event.target.value)}
        />
        {errors[field] && (
          <p className="field__error" id={`${id}-${field}`}>
            {errors[field]}
          </p>
        )}
        {warning && (
          <p className="field__warning" id={`${id}-${field}-warning`}>
            {warning}
          </p>
        )}
      </td>
    );
  };
  return (
    <tr>
      {zoneInput('a', 'Zone')}
      {zoneInput('b', 'Other zone')}
      <td className={errors.distance ? 'field--invalid' : undefined}>
        <select
          className="input select"
          value={row.distance}
          disabled={disabled}
          aria-label={`How far apart, row ${number}`}
          aria-invalid={errors.distance ? true : undefined}
          aria-describedby={`${id}-points${errors.distance ? ` ${id}-distance` : ''}`}
          onChange={(event) => onChange('distance', event.target.value)}
        >
          {zoneDistanceOptions(row.distance).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        {errors.distance && (
          <p className="field__error" id={`${id}-distance`}>
            {errors.distance}
          </p>
        )}
      </td>
      <td className="muted" id={`${id}-points`}>
        {zonePointsText(row.distance)}
      </td>
      <td className="col-actions">
        <button type="button" className="btn btn--ghost btn--small" disabled={disabled} aria-label={`Remove row ${number}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}
