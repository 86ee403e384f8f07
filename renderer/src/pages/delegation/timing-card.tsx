// How often the engine tries an agent it knows less about, the site's time zone, how long a person
// has to accept an offer and how an agent's request for work is weighed: one form, one
// `delegation.updateSettings` with what changed. A refusal from the host is shown under the field
// it is about.
import { useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { PULL_HOLD_SECONDS_MAX, type DelegationSettings } from '../../../../preload/contract';
import { Card } from '../../components/card';
import { TextField } from '../../components/field';
import {
  EXPLORATION_MAX_PERCENT,
  PULL_MARGIN_MAX_POINTS,
  errorField,
  formatPercentOfDecisions,
  parseTiming,
  pullRuleText,
  timingDraft,
  type TimingDraft,
  type TimingField,
} from '../../lib/delegation-settings';
import { useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';
import { SaveDiscard } from './save-discard';

const TIMING_KEYS = ['explorationRate', 'timeZone', 'humanOfferMinutes', 'pullMargin', 'pullHoldSeconds'] as const;
type Timing = Pick<DelegationSettings, (typeof TIMING_KEYS)[number]>;

const HOST_FIELDS: Record<string, TimingField> = {
  explorationRate: 'explorationPercent',
  timeZone: 'timeZone',
  humanOfferMinutes: 'humanOfferMinutes',
  pullMargin: 'pullMarginPoints',
  pullHoldSeconds: 'pullHoldSeconds',
};

function timingOf(settings: DelegationSettings): Timing {
  return {
    explorationRate: settings.explorationRate,
    timeZone: settings.timeZone,
    humanOfferMinutes: settings.humanOfferMinutes,
    pullMargin: settings.pullMargin,
    pullHoldSeconds: settings.pullHoldSeconds,
  };
}

function sameTiming(a: Timing, b: Timing): boolean {
  return TIMING_KEYS.every((key) => a[key] === b[key]);
}

/** The zones this computer knows, for the time zone field's suggestions. */
function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

export function TimingCard({ settings, canEdit }: { settings: DelegationSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const current = timingOf(settings);
  const [edit, setEdit] = useState<{ draft: TimingDraft; base: Timing } | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const zones = useMemo(knownTimeZones, []);
  const update = useMutateCall('delegation.updateSettings', {
    onSuccess: (next) => {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), next);
      setEdit(null);
      setSubmitted(false);
      setSaved(true);
    },
  });

  const draft = edit?.draft ?? timingDraft(settings);
  const { input, errors } = parseTiming(draft, settings);
  // Our own save announces itself (settingsChanged) before it answers: not someone else's change.
  const changedElsewhere = edit !== null && !update.isPending && !sameTiming(edit.base, current);
  const hostField = update.error ? (HOST_FIELDS[errorField(update.error.details) ?? ''] ?? null) : null;
  const fieldError = (field: TimingField): string | undefined =>
    (submitted ? errors[field] : undefined) ?? (hostField === field ? `Not saved: ${update.error?.message ?? ''}` : undefined);
  const percent = Number(draft.explorationPercent.trim().replace(',', '.'));
  const sliderPercent = Number.isFinite(percent) ? Math.min(EXPLORATION_MAX_PERCENT, Math.max(0, percent)) : 0;

  const change = (field: TimingField, value: string) => {
    setSaved(false);
    update.reset();
    setEdit({ draft: { ...draft, [field]: value }, base: edit?.base ?? current });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!input || !edit) return;
    if (Object.keys(input).length === 0) {
      setEdit(null);
      setSubmitted(false);
      return;
    }
    update.mutate(input);
  };

  const disabled = !canEdit || update.isPending;
  return (
    <Card title="Exploration and timing" className="delegation-card">
      <form className="form timing-form" onSubmit={submit} noValidate aria-label="Exploration and timing">
        {changedElsewhere && (
          <p className="notice notice--warn" role="status">
            Someone changed these settings while you were editing. Save to replace theirs with yours, or discard your changes to see theirs.
          </p>
        )}
        <ExplorationField
          value={draft.explorationPercent}
          sliderPercent={sliderPercent}
          nowRate={settings.explorationRate}
          error={fieldError('explorationPercent')}
          disabled={disabled}
          onChange={(value) => change('explorationPercent', value)}
        />
        <div className="form__row">
          <TextField
            label="Site time zone"
            value={draft.timeZone}
            onValueChange={(value) => change('timeZone', value)}
            error={fieldError('timeZone')}
            list="delegation-time-zones"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            disabled={disabled}
            fieldClassName="field--zone"
            hint="Shift, break and maintenance times (HH:MM) and the clock times in the engine's reasons are read in this zone. An IANA name, e.g. Europe/Berlin."
          />
          <TextField
            label="Offer time for people (minutes)"
            value={draft.humanOfferMinutes}
            onValueChange={(value) => change('humanOfferMinutes', value)}
            error={fieldError('humanOfferMinutes')}
            inputMode="numeric"
            autoComplete="off"
            disabled={disabled}
            fieldClassName="field--short"
            hint="How long a person has to accept a task offered to them before it goes to someone else. 1 to 1440."
          />
        </div>
        <div className="pull-rule">
          <p className="field__hint pull-rule__text">
            <strong>Agents asking for work.</strong> In force: {pullRuleText(settings.pullMargin, settings.pullHoldSeconds)}
          </p>
        </div>
        <div className="form__row">
          <TextField
            label="Margin for a better agent (points of 100)"
            value={draft.pullMarginPoints}
            onValueChange={(value) => change('pullMarginPoints', value)}
            error={fieldError('pullMarginPoints')}
            inputMode="decimal"
            autoComplete="off"
            disabled={disabled}
            fieldClassName="field--short"
            hint={`A task waits only for a free agent whose score is higher by more than this (load and fair share aside). 0: only the best-fitting free agent takes it. 0 to ${PULL_MARGIN_MAX_POINTS}.`}
          />
          <TextField
            label="Longest wait for a better agent (seconds)"
            value={draft.pullHoldSeconds}
            onValueChange={(value) => change('pullHoldSeconds', value)}
            error={fieldError('pullHoldSeconds')}
            inputMode="numeric"
            autoComplete="off"
            disabled={disabled}
            fieldClassName="field--short"
            hint={`After this the agent that asked takes the task. 0: never wait, the agent that asks always takes a task it qualifies for. 0 to ${PULL_HOLD_SECONDS_MAX}.`}
          />
        </div>
        <datalist id="delegation-time-zones">
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        {update.error && hostField === null && (
          <p className="form-error" role="alert">
            Not saved: {update.error.message}
          </p>
        )}
        {canEdit && (
          <div className="form__actions">
            <SaveDiscard
              label="Save exploration and timing"
              dirty={edit !== null}
              pending={update.isPending}
              onDiscard={() => {
                setEdit(null);
                setSubmitted(false);
                update.reset();
              }}
            />
            <span className="form__status" role="status">
              {saved && edit === null ? 'Exploration and timing saved.' : ''}
            </span>
          </div>
        )}
      </form>
    </Card>
  );
}

/** The exploration rate: a percentage box and a slider side by side, what is in force now, and what it means. */
function ExplorationField(props: {
  value: string;
  sliderPercent: number;
  nowRate: number;
  error: string | undefined;
  disabled: boolean;
  onChange(value: string): void;
}) {
  const { value, sliderPercent, nowRate, error, disabled, onChange } = props;
  const id = useId();
  return (
    <div className={`field exploration${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        Exploration rate (% of decisions)
      </label>
      <div className="exploration__controls">
        <input
          id={id}
          className="input exploration__number"
          value={value}
          inputMode="decimal"
          autoComplete="off"
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-about${error ? ` ${id}-error` : ''}`}
          onChange={(event) => onChange(event.target.value)}
        />
        <input
          type="range"
          className="exploration__slider"
          min={0}
          max={EXPLORATION_MAX_PERCENT}
          step={0.5}
          value={sliderPercent}
          disabled={disabled}
          aria-label="Exploration rate, slider"
          aria-valuetext={`${sliderPercent} % of decisions`}
          onChange={(event) => onChange(event.target.value)}
        />
        <span className="muted exploration__now">In force: {formatPercentOfDecisions(nowRate)} of decisions</span>
      </div>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <p className="field__hint exploration__about" id={`${id}-about`}>
        On this share of decisions the engine may give the task to an agent it knows less about, so it keeps learning who is good at what and
        notices when someone gets better. <strong>Never for critical tasks:</strong> they always go to the agent the engine trusts most. 0 turns
        exploring off; at most {EXPLORATION_MAX_PERCENT} %.
      </p>
    </div>
  );
}
