// Labelled form controls with an inline error tied to the control (aria-describedby/aria-invalid).
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldFrameProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}

function FieldFrame({ id, label, error, hint, children, className }: FieldFrameProps) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && !error && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, error: string | undefined, hint: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'> {
  label: string;
  value: string;
  onValueChange(value: string): void;
  error?: string | undefined;
  hint?: ReactNode;
  inputRef?: Ref<HTMLInputElement>;
  fieldClassName?: string;
}

export function TextField({ label, value, onValueChange, error, hint, inputRef, fieldClassName, ...rest }: TextFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={fieldClassName}>
      <input
        {...rest}
        ref={inputRef}
        id={id}
        className="input"
        value={value}
        aria-invalid={error ? true : rest['aria-invalid']}
        aria-describedby={describedBy(id, error, hint)}
        onChange={(event) => onValueChange(event.target.value)}
      />
    </FieldFrame>
  );
}

export interface SelectFieldProps<V extends string> extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value' | 'id'> {
  label: string;
  value: V;
  options: ReadonlyArray<{ value: V; label: string }>;
  onValueChange(value: V): void;
  error?: string | undefined;
  hint?: ReactNode;
  fieldClassName?: string;
}

export function SelectField<V extends string>({
  label,
  value,
  options,
  onValueChange,
  error,
  hint,
  fieldClassName,
  ...rest
}: SelectFieldProps<V>) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={fieldClassName}>
      <select
        {...rest}
        id={id}
        className="input select"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onChange={(event) => onValueChange(event.target.value as V)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value' | 'id'> {
  label: string;
  value: string;
  onValueChange(value: string): void;
  error?: string | undefined;
  hint?: ReactNode;
  fieldClassName?: string;
  /** Code (JSON): monospace, no spell check. */
  code?: boolean;
}

export function TextAreaField({ label, value, onValueChange, error, hint, fieldClassName, code, ...rest }: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={fieldClassName}>
      <textarea
        spellCheck={code ? false : undefined}
        {...rest}
        id={id}
        className={`input textarea${code ? ' textarea--code' : ''}`}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onChange={(event) => onValueChange(event.target.value)}
      />
    </FieldFrame>
  );
}
