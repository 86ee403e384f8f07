// A compact filter that picks several values: a button showing the choice, opening a group of
// checkboxes. Built on <details>, so it opens from the keyboard; Escape, a click outside or focus
// moving out of it closes it.
import { useEffect, useId, useRef } from 'react';

export interface MultiSelectProps<V extends string> {
  label: string;
  options: ReadonlyArray<{ value: V; label: string }>;
  selected: readonly V[];
  onChange(selected: V[]): void;
  /** Shown when nothing is selected (nothing selected = no filter). */
  anyLabel?: string;
}

export function MultiSelect<V extends string>({ label, options, selected, onChange, anyLabel = 'Any' }: MultiSelectProps<V>) {
  const ref = useRef<HTMLDetailsElement>(null);
  const labelId = useId();

  // Focus moving out (Tab past the last option) closes the panel. A mouse press on something that
  // cannot take focus hands focus to the nearest focusable ancestor, so the panel itself takes focus
  // (tabIndex -1 below): otherwise that is the page's <main>, the panel closes in the middle of the
  // press, and Chromium crashes starting a text selection in the content it just hid.
  useEffect(() => {
    const close = (event: Event) => {
      const details = ref.current;
      if (details?.open && event.target instanceof Node && !details.contains(event.target)) details.open = false;
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('focusin', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('focusin', close);
    };
  }, []);

  const summary =
    selected.length === 0
      ? anyLabel
      : selected.length <= 2
        ? options
            .filter((option) => selected.includes(option.value))
            .map((option) => option.label)
            .join(', ')
        : `${selected.length} selected`;

  const toggle = (value: V, on: boolean) => {
    const next = on ? [...selected, value] : selected.filter((v) => v !== value);
    // Keep the options' order, so the summary and the query key stay stable.
    onChange(options.map((option) => option.value).filter((v) => next.includes(v)));
  };

  return (
    <div className="field multi-select">
      <span className="field__label" id={labelId}>
        {label}
      </span>
      <details
        ref={ref}
        className="multi-select__details"
        onKeyDown={(event) => {
          if (event.key === 'Escape' && ref.current?.open) {
            event.preventDefault();
            event.stopPropagation();
            ref.current.open = false;
            ref.current.querySelector('summary')?.focus();
          }
        }}
      >
        <summary className="input multi-select__summary" aria-labelledby={labelId} aria-describedby={`${labelId}-value`}>
          <span id={`${labelId}-value`} className={`multi-select__value${selected.length === 0 ? ' muted' : ''}`}>
            {summary}
          </span>
        </summary>
        <fieldset className="multi-select__panel" tabIndex={-1}>
          <legend className="visually-hidden">{label}</legend>
          {options.map((option) => (
            <label key={option.value} className="check">
              <input type="checkbox" checked={selected.includes(option.value)} onChange={(event) => toggle(option.value, event.target.checked)} />
              <span>{option.label}</span>
            </label>
          ))}
          <button type="button" className="btn btn--ghost btn--small multi-select__clear" disabled={selected.length === 0} onClick={() => onChange([])}>
            Clear
          </button>
        </fieldset>
      </details>
    </div>
  );
}
