// The weights every task type uses unless it has its own: one row per score component, saved
// together. A change made meanwhile in another session is pointed out, never silently overwritten.
// A box's message shows once it is left; a refused save moves focus to the first box to fix.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { DELEGATION_COMPONENTS, type DelegationComponent, type DelegationSettings, type DelegationWeights } from '../../../../preload/contract';
import { Card } from '../../components/card';
import {
  changedWeights,
  fieldsToFixText,
  invalidFields,
  parseDefaultWeights,
  previewWeights,
  rememberWeight,
  visibleErrors,
  weightDraft,
  weightShares,
  type WeightDraft,
} from '../../lib/delegation-settings';
import { useMutateCall } from '../../query/call-hooks';
import { callKey } from '../../query/call-key';
import { WeightRow } from './weight-row';
import { SaveDiscard } from './save-discard';
import { useFocusFirstInvalid } from '../../lib/use-focus-first-invalid';

function sameWeights(a: DelegationWeights, b: DelegationWeights): boolean {
  return DELEGATION_COMPONENTS.every((name) => a[name] === b[name]);
}

export function DefaultWeightsCard({ settings, canEdit }: { settings: DelegationSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const current = settings.weights.default;
  // `valid`: each weight's last value that read as one, for the sliders and bars while a box is wrong.
  const [edit, setEdit] = useState<{ draft: WeightDraft; base: DelegationWeights; valid: Record<DelegationComponent, number> } | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [left, setLeft] = useState<ReadonlySet<DelegationComponent>>(new Set());
  // Bumped by a save refused in the form: focus then goes to the first box to fix.
  const [refused, setRefused] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutateCall('delegation.setWeights', {
    onSuccess: (next, input) => {
      queryClient.setQueryData(callKey('delegation.getSettings', {}), next);
      setEdit(null);
      setSubmitted(false);
      setLeft(new Set());
      setSaved(input.weights === null ? 'The built-in default weights are back.' : 'Default weights saved.');
    },
  });

  const draft = edit?.draft ?? weightDraft(current);
  const { weights, errors } = parseDefaultWeights(draft);
  const shown = visibleErrors(errors, left, submitted);
  const toFix = invalidFields(shown, DELEGATION_COMPONENTS);
  // Our own save announces itself (settingsChanged) before it answers: not someone else's change.
  const changedElsewhere = edit !== null && !save.isPending && !sameWeights(edit.base, current);
  // What the sliders and bars show: the weights as typed, one not (yet) readable at its last valid value.
  const preview = previewWeights(draft, edit?.valid ?? current);
  const shares = weightShares(preview);
  // The host's refusals of default weights are about the set as a whole: shown under the rows.
  const hostError = save.error?.message;

  const change = (name: DelegationComponent, value: string) => {
    setSaved(null);
    save.reset();
    setEdit({ draft: { ...draft, [name]: value }, base: edit?.base ?? current, valid: rememberWeight(edit?.valid ?? current, name, value) });
  };

  useFocusFirstInvalid(formRef, refused);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalidFields(errors, DELEGATION_COMPONENTS).count > 0) setRefused((n) => n + 1);
    if (!weights || !edit) return;
    const changes = changedWeights(weights, current);
    if (Object.keys(changes).length === 0) {
      setEdit(null);
      setSubmitted(false);
      return;
    }
    save.mutate({ taskType: '*', weights: changes });
  };

  return (
    <Card title="Default weights" className="delegation-card">
      <form className="weights-form" onSubmit={submit} noValidate aria-label="Default weights" ref={formRef}>
        <p className="delegation-card__intro">
          Every candidate agent gets a score from 0 to 1 on each of these points. The engine adds them up with these weights and offers the task
          to the agent with the best total. Only the size of a weight next to the others matters: the bar shows the part of the score each point
          decides. Task types with weights of their own (below) use them instead, for the points they set.
        </p>
        {changedElsewhere && (
          <p className="notice notice--warn" role="status">
            Someone changed the default weights while you were editing. Save to replace theirs with yours, or discard your changes to see theirs.
          </p>
        )}
        <div className="weights-head" aria-hidden="true">
          <span>What counts</span>
          <span>Weight (0 to 1)</span>
          <span>Part of the score</span>
        </div>
        {DELEGATION_COMPONENTS.map((name) => (
          <WeightRow
            key={name}
            name={name}
            value={draft[name]}
            onChange={(value) => change(name, value)}
            onBlur={() => setLeft((names) => (names.has(name) ? names : new Set(names).add(name)))}
            fallback={preview[name]}
            share={shares[name]}
            disabled={!canEdit || save.isPending}
            error={shown[name]}
          />
        ))}
        {submitted && errors.form && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
        {hostError && (
          <p className="form-error" role="alert">
            Not saved: {hostError}
          </p>
        )}
        {canEdit && (
          <div className="form__actions">
            <SaveDiscard
              label="Save default weights"
              dirty={edit !== null}
              pending={save.isPending}
              onDiscard={() => {
                setEdit(null);
                setSubmitted(false);
                setLeft(new Set());
                save.reset();
              }}
            />
            <button
              type="button"
              className="btn btn--ghost"
              disabled={save.isPending}
              onClick={() => {
                setSaved(null);
                save.mutate({ taskType: '*', weights: null });
              }}
            >
              Back to built-in defaults
            </button>
            {/* Polite: focus is on the first box to fix, which reads its own message. */}
            <span className={`form__status${submitted && toFix.count > 0 ? ' form__status--error' : ''}`} role="status">
              {submitted && toFix.count > 0 ? fieldsToFixText(toFix.count) : saved && edit === null ? saved : ''}
            </span>
          </div>
        )}
      </form>
    </Card>
  );
}
