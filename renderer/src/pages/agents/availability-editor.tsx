// The agent dialog's availability windows, one row each: kind, times, and whether the window
// repeats weekly (on some days) or falls on one date (a maintenance slot, an extra shift). The
// rows are written back as the text the dialog's form reads, so there is one format to check.
// Past dated windows stay (greyed, no longer counted) until removed: nothing vanishes unasked.
import { useId, useState } from 'react';
import { AVAILABILITY_KINDS } from '../../../../preload/contract';
import { SelectField, TextField } from '../../components/field';
import {
  AVAILABILITY_KIND_LABELS,
  describeWindow,
  isPastWindow,
  parseAvailability,
  readRow,
  rowText,
  siteToday,
  windowRow,
  type AvailabilityKind,
  type Parse,
  type Window,
  type WindowRow,
} from '../../lib/availability';
import { useNow } from '../../lib/use-now';
import { useCall } from '../../query/call-hooks';

/** The contract's cap on an agent's windows. */
const MAX_WINDOWS = 50;

interface AvailabilityEditorProps {
  /** The form's text: "shift 06:00-14:00 Mon-Fri; maintenance 08:00-14:30 on 2026-12-09". */
  value: string;
  onValueChange(value: string): void;
  onBlur(): void;
  /** The form's message for the whole list (e.g. too many windows), once it may be shown. */
  error: string | undefined;
  /** Show each row's own message (after a blur or a submit). */
  showErrors: boolean;
  /** The kind a new row starts as. */
  defaultKind: AvailabilityKind;
}

export function AvailabilityEditor({ value, onValueChange, onBlur, error, showErrors, defaultKind }: AvailabilityEditorProps) {
  const id = useId();
  const [rows, setRows] = useState<WindowRow[]>(() => {
    const parsed = parseAvailability(value);
    return parsed.ok ? parsed.value.map(windowRow) : [];
  });
  const now = useNow(60_000);
  const siteZone = useCall('delegation.getSettings', {}, { staleTime: 60_000 }).data?.timeZone;
  const today = siteToday(now, siteZone);

  const change = (next: WindowRow[]) => {
    setRows(next);
    onValueChange(next.map(rowText).join('; '));
  };
  const patch = (index: number, part: Partial<WindowRow>) => change(rows.map((row, i) => (i === index ? { ...row, ...part } : row)));
  const read = rows.map(readRow);
  const past = read.map((result) => result.ok && isPastWindow(result.value, today));
  const pastCount = past.filter(Boolean).length;
  const rowErrors = read.some((result) => !result.ok);

  return (
    <div className={`field${showErrors && error ? ' field--invalid' : ''}`} onBlur={onBlur} role="group" aria-labelledby={`${id}-label`}>
      <span className="field__label" id={`${id}-label`}>
        Availability
      </span>
      {rows.length === 0 && <p className="muted">Always available (no windows).</p>}
      {rows.map((row, index) => (
        <WindowFields
          key={index}
          n={index + 1}
          row={row}
          result={read[index]!}
          past={past[index] === true}
          today={today}
          showErrors={showErrors}
          onPatch={(part) => patch(index, part)}
          onRemove={() => change(rows.filter((_, i) => i !== index))}
        />
      ))}
      <div className="form__actions">
        <button
          type="button"
          className="btn btn--secondary btn--small"
          disabled={rows.length >= MAX_WINDOWS}
          onClick={() => change([...rows, { kind: defaultKind, start: '06:00', end: '14:00', repeats: 'weekly', days: '', date: '' }])}
        >
          Add window
        </button>
        {pastCount > 0 && (
          <button type="button" className="btn btn--ghost btn--small" onClick={() => change(rows.filter((_, i) => !past[i]))}>
            Remove past dates ({pastCount})
          </button>
        )}
      </div>
      {showErrors && error && !rowErrors ? (
        <p className="field__error">{error}</p>
      ) : (
        <p className="field__hint">Site time. A window ending before it starts runs past midnight; one on a date applies that day only.</p>
      )}
    </div>
  );
}

const KIND_OPTIONS = AVAILABILITY_KINDS.map((kind) => ({ value: kind, label: AVAILABILITY_KIND_LABELS[kind] }));
const REPEAT_OPTIONS: ReadonlyArray<{ value: WindowRow['repeats']; label: string }> = [
  { value: 'weekly', label: 'Weekly' },
  { value: 'date', label: 'On one date' },
];
// Five fields side by side; .form__row has two columns.

function WindowFields({
  n,
  row,
  result,
  past,
  today,
  showErrors,
  onPatch,
  onRemove,
}: {
  n: number;
  row: WindowRow;
  result: Parse<Window>;
  past: boolean;
  today: string;
  showErrors: boolean;
  onPatch(part: Partial<WindowRow>): void;
  onRemove(): void;
}) {
  const legend = `Window ${n}`;
  return (
    <fieldset className={`change availability-window${past ? ' availability-window--past muted' : ''}`}>
      <legend className="change__legend">{legend}</legend>
      <button type="button" className="icon-button change__remove" aria-label={`Remove window ${n}`} onClick={onRemove}>
        <span aria-hidden="true">×</span>
      </button>
      <div className="form__row availability-window__fields">
        <SelectField label="Kind" value={row.kind} options={KIND_OPTIONS} onValueChange={(kind) => onPatch({ kind })} />
        <TextField label="From" type="time" value={row.start} onValueChange={(start) => onPatch({ start })} />
        <TextField label="To" type="time" value={row.end} onValueChange={(end) => onPatch({ end })} />
        <SelectField
          label="Repeats"
          value={row.repeats}
          options={REPEAT_OPTIONS}
          onValueChange={(repeats) => onPatch(repeats === 'date' && !row.date ? { repeats, date: today } : { repeats })}
        />
        {row.repeats === 'date' ? (
          <TextField label="Date" type="date" value={row.date} onValueChange={(date) => onPatch({ date })} />
        ) : (
          <TextField label="Days" value={row.days} onValueChange={(days) => onPatch({ days })} placeholder="Every day" autoComplete="off" spellCheck={false} />
        )}
      </div>
      {result.ok ? (
        <p className="field__hint">
          {describeWindow(result.value, today)}
          {past && ' (past, no longer counts)'}
        </p>
      ) : showErrors ? (
        <p className="field__error" role="alert">
          {result.error}
        </p>
      ) : (
        <p className="field__hint">Incomplete.</p>
      )}
    </fieldset>
  );
}
