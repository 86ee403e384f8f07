// Add or edit a task type's own weights: tick the points this type weighs differently and set them;
// unticked points follow the defaults. Saved with `replace`, so what is ticked is exactly what the
// type keeps.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { DELEGATION_COMPONENTS, type DelegationComponent, type DelegationSettings } from '../../../../preload/contract';
import { Dialog } from '../../components/dialog';
import { TextField } from '../../components/field';
import {
  errorField,
  formatWeight,
  parseTypeWeights,
  readWeight,
  typeWeightsDraft,
  weightShares,
  type TypeWeightsDraft,
} from '../../lib/delegation-settings';
import { COMPONENT_LABELS } from '../../lib/explanation';
import { useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';
import { WeightRow } from './weight-row';

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
  const [submitted, setSubmitted] = useState(false);
  const save = useMutateCall('delegation.setWeights', {
    onSuccess: (next, input) => {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), next);
      onSaved(input.taskType);
    },
  });
  const existingTypes = Object.keys(settings.weights.byType);
  const { input, errors } = parseTypeWeights(draft, { defaults, existingTypes, isNew });
  const shown = submitted ? errors : {};
  const hostField = save.error ? errorField(save.error.details) : null;
  const goneElsewhere = !isNew && taskType !== null && !existingTypes.includes(taskType);

  // Effective weights as typed: own where ticked, the default elsewhere.
  const effective = Object.fromEntries(
    DELEGATION_COMPONENTS.map((name) => [name, draft.own[name].on ? (readWeight(draft.own[name].value) ?? 0) : defaults[name]]),
  ) as Record<DelegationComponent, number>;
  const shares = weightShares(effective);

  const patch = (name: DelegationComponent, next: Partial<{ on: boolean; value: string }>) => {
    save.reset();
    setDraft((current) => ({ ...current, own: { ...current.own, [name]: { ...current.own[name], ...next } } }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (input) save.mutate(input);
  };

  return (
    <Dialog
      title={isNew ? 'Add weights for a task type' : `Weights of ${taskType}`}
      description="Tick a point to give this type its own weight for it; points left unticked follow the default weights."
      onClose={onClose}
      size="xwide"
    >
      <form className="form type-weights-form" onSubmit={submit} noValidate>
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
