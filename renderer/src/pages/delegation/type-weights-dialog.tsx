// Add or edit a task type's own weights: tick the points this type weighs differently and set them;
// unticked points follow the defaults. Saved with `replace`, so what is ticked is exactly what the
// type keeps.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { DELEGATION_COMPONENTS, type DelegationComponent, type DelegationSettings } from '../../../../preload/contract';
import { Dialog } from '../../components/dialog';
import { TextField } from '../../components/field';
import {
  errorField,
  fieldsToFixText,
  formatWeight,
  invalidFields,
  parseTypeWeights,
  readWeight,
  rememberWeight,
  typeWeightsDraft,
  visibleErrors,
  weightShares,
  type TypeWeightsDraft,
} from '../../lib/delegation-settings';
import { COMPONENT_LABELS } from '../../lib/explanation';
import { useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';
import { WeightRow } from './weight-row';
import { useFocusFirstInvalid } from '../../lib/use-focus-first-invalid';

export interface TypeWeightsDialogProps {
  settings: DelegationSettings;
  /** null: add a new type. */
  taskType: string | null;
  onClose(): void;
  onSaved(taskType: string): void;
}

export function TypeWeightsDialog({ settings, taskType, onClose, onSaved }: TypeWeightsDialogProps) {
  const queryClient = useQueryClient();
  const defaults = settings.weights.default;
  const isNew = taskType === null;
  const [draft, setDraft] = useState<TypeWeightsDraft>(() => typeWeightsDraft(taskType ?? '', (taskType && settings.weights.byType[taskType]) || {}, defaults));
  // Each weight's last value that read as one, for the sliders and bars while a box is wrong.
  const [valid, setValid] = useState<Record<DelegationComponent, number>>(() =>
    Object.fromEntries(DELEGATION_COMPONENTS.map((name) => [name, readWeight(draft.own[name].value) ?? defaults[name]])) as Record<DelegationComponent, number>,
  );
  const [submitted, setSubmitted] = useState(false);
  const [left, setLeft] = useState<ReadonlySet<DelegationComponent | 'taskType'>>(new Set());
  // Bumped by a save refused in the form: focus then goes to the first field to fix.
  const [refused, setRefused] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const save = useMutateCall('delegation.setWeights', {
    onSuccess: (next, input) => {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), next);
      onSaved(input.taskType);
    },
  });
  const existingTypes = Object.keys(settings.weights.byType);
  const { input, errors } = parseTypeWeights(draft, { defaults, existingTypes, isNew });
  const shown = visibleErrors(errors, left, submitted);
  const hostField = save.error ? errorField(save.error.details) : null;
  const goneElsewhere = !isNew && taskType !== null && !existingTypes.includes(taskType);

  // Effective weights as typed: own where ticked (the last valid value while the box is wrong), the default elsewhere.
  const effective = Object.fromEntries(
    DELEGATION_COMPONENTS.map((name) => [name, draft.own[name].on ? (readWeight(draft.own[name].value) ?? valid[name]) : defaults[name]]),
  ) as Record<DelegationComponent, number>;
  const shares = weightShares(effective);

  const patch = (name: DelegationComponent, next: Partial<{ on: boolean; value: string }>) => {
    save.reset();
    if (next.value !== undefined) setValid((current) => rememberWeight(current, name, next.value!));
    setDraft((current) => ({ ...current, own: { ...current.own, [name]: { ...current.own[name], ...next } } }));
  };

  useFocusFirstInvalid(formRef, refused);

  const toFix = invalidFields(errors, ['taskType', ...DELEGATION_COMPONENTS]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (toFix.count > 0) setRefused((n) => n + 1);
    if (input) save.mutate(input);
  };

  return (
    <Dialog
      title={isNew ? 'Add weights for a task type' : `Weights of ${taskType}`}
      description="Tick a point to give this type its own weight for it; points left unticked follow the default weights."
      onClose={onClose}
      size="xwide"
    >
      <form className="form type-weights-form" onSubmit={submit} noValidate ref={formRef}>
        {isNew && (
          <TextField
            label="Task type"
            value={draft.taskType}
            onValueChange={(value) => {
              save.reset();
              setDraft((current) => ({ ...current, taskType: value }));
            }}
            error={shown.taskType ?? (hostField === 'taskType' ? save.error?.message : undefined)}
            hint="As written on the tasks, e.g. weld.seam or inspect.final."
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            data-autofocus
          />
        )}
        {goneElsewhere && (
          <p className="notice notice--warn" role="status">
            Someone sent {taskType} back to the default weights meanwhile. Saving gives it these weights of its own again.
          </p>
        )}
        <div className="weights-head weights-head--dialog" aria-hidden="true">
          <span>Own value · what counts</span>
          <span>Weight (0 to 1)</span>
          <span>Part of the score</span>
        </div>
        {DELEGATION_COMPONENTS.map((name) => {
          const own = draft.own[name];
          return (
            <WeightRow
              key={name}
              name={name}
              value={own.on ? own.value : formatWeight(defaults[name])}
              onChange={(value) => patch(name, { value })}
              onBlur={() => setLeft((names) => (names.has(name) ? names : new Set(names).add(name)))}
              fallback={effective[name]}
              share={shares[name]}
              disabled={!own.on || save.isPending}
              error={shown[name]}
              explain={false}
              lead={
                <input
                  type="checkbox"
                  className="weight-row__own"
                  checked={own.on}
                  disabled={save.isPending}
                  aria-label={`Own value for ${COMPONENT_LABELS[name]}`}
                  onChange={(event) => patch(name, { on: event.target.checked, value: own.on ? own.value : formatWeight(defaults[name]) })}
                />
              }
              note={own.on ? `Default: ${formatWeight(defaults[name])}` : 'Follows the default'}
            />
          );
        })}
        {submitted && errors.form && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
        {save.error && hostField !== 'taskType' && (
          <p className="form-error" role="alert">
            Not saved: {save.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          {/* Polite: focus is on the first field to fix, which reads its own message. */}
          <span className="form__status form__status--error" role="status">
            {submitted && toFix.count > 0 ? fieldsToFixText(toFix.count) : ''}
          </span>
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : isNew ? 'Add weights' : 'Save weights'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
