// Add an agent, or change one: name, kind, status, skills ("weld:3, inspect:2"), capacity, tags,
// and what the delegation engine weighs: zone, cost per hour, certifications with expiry,
// availability windows; for people, the user account whose My work shows their tasks.
// A refusal from the host that is about one field (a name taken) shows on that field and focus
// moves there; any other shows above the buttons and focus moves to it, never to the page.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AGENT_KINDS, AGENT_STATUSES, PRESENCES, type AgentDto, type UserDto } from '../../../../preload/contract';
import { AGENT_KIND_LABELS, AGENT_STATUS_LABELS } from '../../components/agent-badges';
import { Dialog } from '../../components/dialog';
import { SelectField, TextField } from '../../components/field';
import { EMPTY_AGENT, agentPatch, agentRefusal, agentValues, readAgent, type AgentField, type AgentRefusal, type AgentValues } from '../../lib/agent-form';
import { can } from '../../lib/permissions';
import { PRESENCE_LABELS } from '../../lib/work';
import { useCall, useMutateCall } from '../../query/call-hooks';
import { AvailabilityEditor } from './availability-editor';

const KIND_OPTIONS = AGENT_KINDS.map((kind) => ({ value: kind, label: AGENT_KIND_LABELS[kind] }));
const STATUS_OPTIONS = AGENT_STATUSES.map((status) => ({ value: status, label: AGENT_STATUS_LABELS[status] }));
const PRESENCE_OPTIONS = PRESENCES.map((presence) => ({ value: presence, label: PRESENCE_LABELS[presence] }));

type TextFieldName = Exclude<AgentField, 'kind' | 'status' | 'presence' | 'availability' | 'userId'>;
const TEXT_FIELDS: ReadonlySet<AgentField> = new Set<TextFieldName>(['name', 'skills', 'capacity', 'zone', 'costPerHour', 'tags', 'certifications']);

/** A refusal, with what the form held when it was sent: it is shown until the field changes. */
type Refusal = AgentRefusal & { sent: AgentValues };

/** The field that shows the refusal: only fields that can show an error; the rest goes to the banner. */
function refusedFieldOf(refusal: Refusal | null, values: AgentValues, mayLinkUsers: boolean): AgentField | null {
  const field = refusal?.field ?? null;
  if (!field) return null;
  if (TEXT_FIELDS.has(field)) return field;
  return field === 'userId' && values.kind === 'human' && mayLinkUsers ? field : null;
}

export function AgentDialog({ agent, me, onClose, onSaved }: { agent?: AgentDto; me: UserDto; onClose(): void; onSaved(agent: AgentDto): void }) {
  const [values, setValues] = useState<AgentValues>(agent ? agentValues(agent) : EMPTY_AGENT);
  const [touched, setTouched] = useState<Partial<Record<AgentField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const sent = useRef<AgentValues>(values);
  const formRef = useRef<HTMLFormElement>(null);
  const bannerRef = useRef<HTMLParagraphElement>(null);
  const refuse = (error: { message: string; details?: unknown }) => setRefusal({ ...agentRefusal(error), sent: sent.current });
  const create = useMutateCall('agents.create', { onSuccess: onSaved, onError: refuse });
  const update = useMutateCall('agents.update', { onSuccess: onSaved, onError: refuse });
  const saving = create.isPending || update.isPending;
  const { input, errors } = readAgent(values);
  const mayLinkUsers = can(me.role, 'users.directory');
  const refusedField = refusedFieldOf(refusal, values, mayLinkUsers);
  const refusalOn = (field: AgentField) => (refusal && refusedField === field && values[field] === refusal.sent[field] ? refusal.message : undefined);
  const shown = (field: AgentField) => (submitted || touched[field] ? errors[field] : undefined) ?? refusalOn(field);
  const set = <K extends AgentField>(field: K) => (value: AgentValues[K]) => setValues((current) => ({ ...current, [field]: value }));
  const blur = (field: AgentField) => () => setTouched((current) => ({ ...current, [field]: true }));
  const text = (field: TextFieldName) => ({
    name: field,
    value: values[field],
    onValueChange: set(field),
    onBlur: blur(field),
    error: shown(field),
  });

  // The Save button is disabled while the host answers, which drops focus to the page: put it
  // where the answer is.
  useEffect(() => {
    if (!refusal) return;
    const name = refusedFieldOf(refusal, refusal.sent, mayLinkUsers);
    const field = name ? formRef.current?.querySelector<HTMLElement>(`[name="${name}"]`) : null;
    (field ?? bannerRef.current)?.focus();
  }, [refusal, mayLinkUsers]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!input) return;
    setRefusal(null);
    sent.current = values;
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
      size="xwide"
    >
      <form className="form" onSubmit={submit} noValidate ref={formRef}>
        <div className="form__row form__row--3">
          <TextField label="Name" {...text('name')} autoComplete="off" maxLength={64} data-autofocus />
          <SelectField label="Kind" value={values.kind} options={KIND_OPTIONS} onValueChange={set('kind')} />
          <SelectField label="Status" value={values.status} options={STATUS_OPTIONS} onValueChange={set('status')} hint="Only available agents are given new work." />
        </div>
        <div className="form__row form__row--wide-narrow">
          <TextField
            label="Skills"
            {...text('skills')}
            placeholder="weld:3, inspect:2"
            autoComplete="off"
            spellCheck={false}
            hint="skill:level, separated by commas; level 1 (can do it) to 5 (expert)."
          />
          <TextField label="Capacity" inputMode="numeric" {...text('capacity')} hint="Tasks it may hold at once (1 to 1000)." />
        </div>
        <div className="form__row form__row--3">
          <TextField label="Zone or station" {...text('zone')} placeholder="e.g. Station 3" autoComplete="off" maxLength={64} hint="Work nearby scores higher." />
          <TextField label="Cost per hour" inputMode="decimal" {...text('costPerHour')} placeholder="None" autoComplete="off" hint="Counts when cost has a weight." />
          <TextField label="Tags" {...text('tags')} placeholder="cell-2, night" autoComplete="off" hint="Separated by commas." />
        </div>
        <TextField
          label="Certifications"
          {...text('certifications')}
          placeholder="forklift until 2027-03-31; first-aid"
          autoComplete="off"
          hint="Separated by semicolons; “until YYYY-MM-DD” when it expires."
        />
        <AvailabilityEditor
          value={values.availability}
          onValueChange={set('availability')}
          onBlur={blur('availability')}
          error={shown('availability')}
          showErrors={submitted || touched.availability === true}
          defaultKind={values.kind === 'human' ? 'shift' : 'maintenance'}
        />
        {values.kind === 'human' && <PersonFields values={values} me={me} userError={refusalOn('userId')} onUser={set('userId')} onPresence={set('presence')} />}
        {refusal && !refusedField && (
          <p className="form-error" role="alert" tabIndex={-1} ref={bannerRef}>
            {refusal.message}
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

/** A person's account link (engineers and up see the account names) and presence. */
function PersonFields({
  values,
  me,
  userError,
  onUser,
  onPresence,
}: {
  values: AgentValues;
  me: UserDto;
  userError: string | undefined;
  onUser(id: string): void;
  onPresence(value: AgentValues['presence']): void;
}) {
  const mayListUsers = can(me.role, 'users.directory');
  const users = useCall('users.directory', {}, { enabled: mayListUsers, staleTime: 60_000 });
  const userOptions = [
    { value: '', label: 'Not linked' },
    ...[...(users.data?.users ?? [])]
      .filter((user) => !user.disabled || user.id === values.userId)
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((user) => ({ value: user.id, label: `${user.displayName} (${user.username})` })),
  ];
  if (values.userId && !userOptions.some((option) => option.value === values.userId)) userOptions.push({ value: values.userId, label: 'Linked account' });
  return (
    <div className="form__row">
      {mayListUsers ? (
        <SelectField
          label="Linked user account"
          name="userId"
          value={values.userId}
          options={userOptions}
          onValueChange={onUser}
          error={userError}
          hint="This person sees the tasks offered to them in My work."
        />
      ) : (
        <TextField
          label="Linked user account"
          value={values.userId ? 'Linked to an account' : 'Not linked'}
          onValueChange={() => {}}
          readOnly
          hint="Only an engineer or administrator can link a user account."
        />
      )}
      <SelectField label="Presence" value={values.presence} options={PRESENCE_OPTIONS} onValueChange={onPresence} hint="People set this themselves in My work." />
    </div>
  );
}
