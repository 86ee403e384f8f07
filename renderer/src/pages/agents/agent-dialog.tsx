// Add an agent, or change one: name, kind, status, skills ("weld:3, inspect:2"), capacity, tags.
import { useState, type FormEvent } from 'react';
import { AGENT_KINDS, AGENT_STATUSES, type AgentDto } from '../../../../preload/contract';
import { AGENT_KIND_LABELS, AGENT_STATUS_LABELS } from '../../components/agent-badges';
import { Dialog } from '../../components/dialog';
import { SelectField, TextField } from '../../components/field';
import { EMPTY_AGENT, agentPatch, agentValues, readAgent, type AgentField, type AgentValues } from '../../lib/agent-form';
import { useMutateCall } from '../../query/call-hooks';

const KIND_OPTIONS = AGENT_KINDS.map((kind) => ({ value: kind, label: AGENT_KIND_LABELS[kind] }));
const STATUS_OPTIONS = AGENT_STATUSES.map((status) => ({ value: status, label: AGENT_STATUS_LABELS[status] }));

export function AgentDialog({ agent, onClose, onSaved }: { agent?: AgentDto; onClose(): void; onSaved(agent: AgentDto): void }) {
  const [values, setValues] = useState<AgentValues>(agent ? agentValues(agent) : EMPTY_AGENT);
  const [touched, setTouched] = useState<Partial<Record<AgentField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const create = useMutateCall('agents.create', { onSuccess: onSaved });
  const update = useMutateCall('agents.update', { onSuccess: onSaved });
  const saving = create.isPending || update.isPending;
  const failure = create.error ?? update.error;
  const { input, errors } = readAgent(values);
  const shown = (field: AgentField) => (submitted || touched[field] ? errors[field] : undefined);
  const set = <K extends AgentField>(field: K) => (value: AgentValues[K]) => setValues((current) => ({ ...current, [field]: value }));
  const blur = (field: AgentField) => () => setTouched((current) => ({ ...current, [field]: true }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!input) return;
    if (!agent) {
      create.mutate(input);
      return;
    }
    const patch = agentPatch(agent, input);
    if (Object.keys(patch).length === 0) onClose();
    else update.mutate({ id: agent.id, ...patch });
  };

  return (
    <Dialog
      title={agent ? `Edit ${agent.name}` : 'New agent'}
      description={agent ? undefined : 'A robot, a software agent or a person that can take tasks. Software agents then need an API key to join.'}
      onClose={onClose}
      size="wide"
    >
      <form className="form" onSubmit={submit} noValidate>
        <div className="form__row">
          <TextField label="Name" value={values.name} onValueChange={set('name')} onBlur={blur('name')} error={shown('name')} autoComplete="off" maxLength={64} data-autofocus />
          <SelectField label="Kind" value={values.kind} options={KIND_OPTIONS} onValueChange={set('kind')} />
        </div>
        <TextField
          label="Skills"
          value={values.skills}
          onValueChange={set('skills')}
          onBlur={blur('skills')}
          error={shown('skills')}
          placeholder="weld:3, inspect:2"
          autoComplete="off"
          spellCheck={false}
          hint="skill:level, separated by commas; level 1 (can do it) to 5 (expert)."
        />
        <div className="form__row">
          <TextField
            label="Capacity"
            inputMode="numeric"
            value={values.capacity}
            onValueChange={set('capacity')}
            onBlur={blur('capacity')}
            error={shown('capacity')}
            hint="Tasks it may hold at once (1 to 1000)."
          />
          <SelectField label="Status" value={values.status} options={STATUS_OPTIONS} onValueChange={set('status')} hint="Only available agents are given new work." />
        </div>
        <TextField label="Tags" value={values.tags} onValueChange={set('tags')} onBlur={blur('tags')} error={shown('tags')} placeholder="cell-2, night" autoComplete="off" hint="Separated by commas." />
        {failure && (
          <p className="form-error" role="alert">
            {failure.message}
          </p>
        )}
        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={saving}>
            {saving ? 'Saving…' : agent ? 'Save changes' : 'Add agent'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
