// "New task" (supervisor and up): every field of a task, checked against the contract's schema
// as people type (after the first try to submit) and by the host when sent. "Describe the work"
// asks the classifier for a type and skills (task-suggestion.tsx); when the task is created with
// others, the classifier is told, so it learns the site's words.
import { useState, type FormEvent } from 'react';
import { TASK_PRIORITIES, type TaskDto } from '../../../../preload/contract';
import { Dialog } from '../../components/dialog';
import { SelectField, TextAreaField, TextField } from '../../components/field';
import { TASK_PRIORITY_LABELS } from '../../components/task-badges';
import { DESCRIPTION_MAX, applySuggestion, correctionFor } from '../../lib/suggestion';
import { EMPTY_NEW_TASK, readNewTask, type NewTaskField, type NewTaskValues } from '../../lib/task-form';
import { useBridge, useMutateCall } from '../../query/call-hooks';
import { SuggestionPanel, useSuggestion } from './task-suggestion';

const PRIORITY_OPTIONS = TASK_PRIORITIES.map((priority) => ({ value: priority, label: TASK_PRIORITY_LABELS[priority] }));

export function NewTaskDialog({ onClose, onCreated }: { onClose(): void; onCreated(task: TaskDto): void }) {
  const [values, setValues] = useState<NewTaskValues>(EMPTY_NEW_TASK);
  const [touched, setTouched] = useState<Partial<Record<NewTaskField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [description, setDescription] = useState('');
  const suggestion = useSuggestion(description);
  const client = useBridge();
  const create = useMutateCall('tasks.create', {
    onSuccess: (task) => {
      const correction = correctionFor(description, suggestion.data, task);
      // Teaching is a side effect: the task exists either way, so a failure here is not the user's problem.
      if (correction) client.call('delegation.correct', correction).catch(() => {});
      onCreated(task);
    },
  });
  const { input, errors } = readNewTask(values);
  const shown = (field: NewTaskField) => (submitted || touched[field] ? errors[field] : undefined);
  const set = <K extends NewTaskField>(field: K) => (value: NewTaskValues[K]) => setValues((current) => ({ ...current, [field]: value }));
  // Leaving a field empty is not a mistake yet (people tab past Type to describe the work first):
  // an empty required field speaks up when the form is sent.
  const blur = (field: NewTaskField) => () => {
    if (String(values[field]).trim() !== '') setTouched((current) => ({ ...current, [field]: true }));
  };
  const text = (field: Exclude<NewTaskField, 'priority'>) => ({
    value: values[field],
    onValueChange: set(field),
    onBlur: blur(field),
    error: shown(field),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!input) {
      // Take people to the first field that needs them (marked once this render lands).
      const form = event.currentTarget as HTMLFormElement;
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    create.mutate(input);
  };

  return (
    <Dialog title="New task" description="The queue assigns it to an available agent with the skills it needs." onClose={onClose} size="xwide">
      <form className="form" onSubmit={submit} noValidate>
        <div className="form__row form__row--describe">
          <TextAreaField
            label="Describe the work"
            value={description}
            onValueChange={(text) => {
              setDescription(text);
              suggestion.onTextChange(text);
            }}
            rows={2}
            maxLength={DESCRIPTION_MAX}
            placeholder="e.g. re-inspect weld seam on part 4711 at station 3"
            hint="Optional. A type and skills are suggested from this site's history."
          />
          <SuggestionPanel
            description={description}
            suggestion={suggestion}
            values={values}
            onApply={(picked) => setValues((current) => applySuggestion(current, picked, description))}
            onPickType={(type) => setValues((current) => ({ ...current, type }))}
          />
        </div>
        <div className="form__row form__row--type">
          <TextField label="Type" {...text('type')} placeholder="e.g. weld.seam" autoComplete="off" spellCheck={false} data-autofocus hint="Agents claim work by type." />
          <TextField label="Title" {...text('title')} placeholder="Defaults to the type" autoComplete="off" maxLength={200} />
          <SelectField label="Priority" value={values.priority} options={PRIORITY_OPTIONS} onValueChange={set('priority')} />
        </div>
        <TextAreaField
          label="Payload (JSON)"
          {...text('payload')}
          code
          rows={4}
          placeholder={'{ "program": "P-12", "part": "A-12" }'}
          hint="Handed to the agent as is. Leave empty for none."
        />
        <div className="form__row">
          <TextField label="Required skills" {...text('requires')} placeholder="weld:3, inspect:2" autoComplete="off" spellCheck={false} hint="skill:level (1-5), separated by commas." />
          <TextField label="Tags" {...text('tags')} placeholder="line-4, night" autoComplete="off" hint="Separated by commas." />
        </div>
        <div className="form__row form__row--4">
          <TextField label="Deadline" type="datetime-local" {...text('deadline')} hint="A late task still runs." />
          <TextField label="Run at" type="datetime-local" {...text('runAt')} hint="Empty: as soon as possible." />
          <TextField label="Max attempts" inputMode="numeric" {...text('maxAttempts')} hint="1 to 100." />
          <TextField label="Timeout per attempt (s)" inputMode="decimal" {...text('timeoutSeconds')} placeholder="No timeout" />
        </div>
        <div className="form__row">
          <TextField label="Depends on" {...text('dependsOn')} placeholder="Task ids, separated by commas" autoComplete="off" spellCheck={false} hint="Tasks that must succeed first." />
          <TextField label="Idempotency key" {...text('idempotencyKey')} autoComplete="off" spellCheck={false} hint="The same key twice creates the task once." />
        </div>
        {create.isError && (
          <p className="form-error" role="alert">
            {create.error.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create task'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
