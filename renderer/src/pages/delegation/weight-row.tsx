// One score component's weight: its name and what it means, a slider and a number box bound to the
// same text (the slider keeps the last valid value while the text is not one), and a bar with its
// share of the whole score (what the weight means next to the others).
import { useId, type ReactNode } from 'react';
import type { DelegationComponent } from '../../../../preload/contract';
import { COMPONENT_LABELS } from '../../lib/explanation';
import { COMPONENT_EXPLAINED, formatWeight, readWeight, WEIGHT_MAX, WEIGHT_MIN } from '../../lib/delegation-settings';

export interface WeightRowProps {
  name: DelegationComponent;
  value: string;
  onChange(value: string): void;
  /** The box was left: its message may show from now on. */
  onBlur?(): void;
  /** What the slider holds while the text is not a weight: the last valid value, never a jump to 0. */
  fallback: number;
  /** Its part of the total weight, 0..1 (null: not shown). */
  share: number | null;
  disabled: boolean;
  error?: string | undefined;
  /** Before the controls (a task type's "own value" tick box). */
  lead?: ReactNode;
  /** Replaces the plain explanation (e.g. "Follows the default, 0.3"). */
  note?: ReactNode;
  explain?: boolean;
}

export function WeightRow({ name, value, onChange, onBlur, fallback, share, disabled, error, lead, note, explain = true }: WeightRowProps) {
  const id = useId();
  const label = COMPONENT_LABELS[name];
  const parsed = readWeight(value) ?? fallback;
  const described = [explain ? `${id}-about` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`weight-row${error ? ' weight-row--invalid' : ''}${disabled ? ' weight-row--disabled' : ''}`} role="group" aria-labelledby={`${id}-label`}>
      <div className="weight-row__what">
        <span className="weight-row__name">
          {lead}
          <label id={`${id}-label`} htmlFor={`${id}-number`}>
            {label}
          </label>
        </span>
        {explain && (
          <p className="weight-row__about" id={`${id}-about`}>
            {COMPONENT_EXPLAINED[name]}
          </p>
        )}
        {note && <p className="weight-row__note">{note}</p>}
      </div>
      <input
        type="range"
        className="weight-row__slider"
        min={WEIGHT_MIN}
        max={WEIGHT_MAX}
        step={0.01}
        value={parsed}
        disabled={disabled}
        aria-label={`${label}, slider`}
        aria-valuetext={formatWeight(parsed)}
        onChange={(event) => onChange(formatWeight(Number(event.target.value)))}
      />
      <input
        id={`${id}-number`}
        className="input weight-row__number"
        value={value}
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
      {share !== null && <ShareBar share={share} />}
      {error && (
        <p className="field__error weight-row__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Part of the score this component decides, as a bar and a percentage. */
export function ShareBar({ share }: { share: number }) {
  const percent = Math.round(share * 100);
  return (
    <span className="share-bar" title={`${percent} % of the score`}>
      <span className="share-bar__track" aria-hidden="true">
        <span className="share-bar__fill" style={{ width: `${Math.min(100, Math.max(0, share * 100))}%` }} />
      </span>
      <span className="share-bar__value">
        {percent} %<span className="visually-hidden"> of the score</span>
      </span>
    </span>
  );
}
