// The agent dialog: typed text -> an `agents.create` input or an `agents.update` patch, with one
// message per field from the contract's schema (skills, tags, certifications and availability are
// read as short lists first). People also carry the user account whose My work shows their tasks.
import { AgentInput, type AgentDto, type AgentKind, type AgentStatus, type Presence } from '../../../preload/contract';
import { formatAvailability, formatCertifications, parseAvailability, parseCertifications } from './availability';
import { fieldErrors, sentence, type FieldErrors } from './form';
import { formatSkills, parseList, parseSkills } from './skills';

export interface AgentValues {
  name: string;
  kind: AgentKind;
  status: AgentStatus;
  /** "weld:3, inspect:2" */
  skills: string;
  capacity: string;
  /** Comma separated. */
  tags: string;
  /** '' for none. */
  zone: string;
  /** '' for none. */
  costPerHour: string;
  /** "forklift until 2027-03-31; first-aid" */
  certifications: string;
  /** "shift 06:00-14:00 Mon-Fri; break 10:00-10:15" */
  availability: string;
  /** People: the linked user account's id; '' for none. */
  userId: string;
  presence: Presence;
}

export type AgentField = keyof AgentValues;

export const EMPTY_AGENT: AgentValues = {
  name: '',
  kind: 'software',
  status: 'available',
  skills: '',
  capacity: '1',
  tags: '',
  zone: '',
  costPerHour: '',
  certifications: '',
  availability: '',
  userId: '',
  presence: 'available',
};

export function agentValues(agent: AgentDto): AgentValues {
  return {
    name: agent.name,
    kind: agent.kind,
    status: agent.status,
    skills: formatSkills(agent.skills),
    capacity: String(agent.capacity),
    tags: agent.tags.join(', '),
    zone: agent.zone ?? '',
    costPerHour: agent.costPerHour === null ? '' : String(agent.costPerHour),
    certifications: formatCertifications(agent.certifications),
    availability: formatAvailability(agent.availability),
    userId: agent.userId ?? '',
    presence: agent.presence ?? 'available',
  };
}

export interface AgentFormResult {
  input: AgentInput | null;
  errors: FieldErrors<AgentField>;
}

export function readAgent(values: AgentValues): AgentFormResult {
  const errors: FieldErrors<AgentField> = {};
  const input: Record<string, unknown> = {
    name: values.name.trim(),
    kind: values.kind,
    status: values.status,
    tags: parseList(values.tags),
    zone: values.zone.trim() || null,
  };
  const skills = parseSkills(values.skills);
  if (skills.ok) input.skills = skills.skills;
  else errors.skills = skills.error;
  // A number out of range ("0", "-5") is still a number: the schema's limits answer for it.
  const capacity = values.capacity.trim();
  if (!/^[-+]?\d+$/.test(capacity)) errors.capacity = 'Enter a whole number.';
  else input.capacity = Number(capacity);
  const cost = values.costPerHour.trim().replace(',', '.');
  if (!cost) input.costPerHour = null;
  else if (!/^[-+]?\d+(\.\d{1,4})?$/.test(cost)) errors.costPerHour = 'Enter an amount, e.g. 42.50.';
  else input.costPerHour = Number(cost);
  const certifications = parseCertifications(values.certifications);
  if (certifications.ok) input.certifications = certifications.value;
  else errors.certifications = certifications.error;
  const availability = parseAvailability(values.availability);
  if (availability.ok) input.availability = availability.value;
  else errors.availability = availability.error;
  // Only people have an account and a presence.
  if (values.kind === 'human') {
    input.userId = values.userId || null;
    input.presence = values.presence;
  }
  const schemaErrors = fieldErrors<AgentField>(AgentInput, input);
  const all = { ...schemaErrors, ...errors };
  const ok = Object.values(all).every((message) => message === undefined);
  return { input: ok ? (input as AgentInput) : null, errors: all };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changed, for `agents.update`; empty when nothing did. */
export function agentPatch(agent: AgentDto, input: AgentInput): Partial<AgentInput> {
  const patch: Partial<AgentInput> = {};
  if (input.name !== agent.name) patch.name = input.name;
  if (input.kind !== agent.kind) patch.kind = input.kind;
  if (input.status !== undefined && input.status !== agent.status) patch.status = input.status;
  if (input.capacity !== undefined && input.capacity !== agent.capacity) patch.capacity = input.capacity;
  if (input.skills !== undefined && !same(input.skills, agent.skills)) patch.skills = input.skills;
  if (input.tags !== undefined && !same(input.tags, agent.tags)) patch.tags = input.tags;
  if (input.zone !== undefined && input.zone !== agent.zone) patch.zone = input.zone;
  if (input.costPerHour !== undefined && input.costPerHour !== agent.costPerHour) patch.costPerHour = input.costPerHour;
  if (input.certifications !== undefined && !same(input.certifications, agent.certifications)) patch.certifications = input.certifications;
  if (input.availability !== undefined && !same(input.availability, agent.availability)) patch.availability = input.availability;
  if (input.userId !== undefined && input.userId !== agent.userId) patch.userId = input.userId;
  if (input.presence !== undefined && input.presence !== agent.presence) patch.presence = input.presence;
  return patch;
}

/** A refusal from the host, and the field of the form it is about (null: the form as a whole). */
export interface AgentRefusal {
  field: AgentField | null;
  message: string;
}

/**
 * Where a refusal from the host belongs. The registry names the field of its own checks in
 * `details.field` (a name that exists already, an account linked to another person); the bridge's
 * schema check names it in `details.issues[0].path`. Anything else is about the whole form.
 */
export function agentRefusal(error: { message: string; details?: unknown }): AgentRefusal {
  const field = refusedField(error.details);
  // Beside a field it reads like the form's own messages; the banner shows the host's words as they are.
  return { field, message: field ? sentence(error.message) : error.message };
}

function refusedField(details: unknown): AgentField | null {
  if (typeof details !== 'object' || details === null) return null;
  const record = details as { field?: unknown; issues?: unknown };
  let field: unknown = record.field;
  if (field === undefined && Array.isArray(record.issues)) {
    const path = (record.issues[0] as { path?: unknown } | undefined)?.path;
    field = typeof path === 'string' ? path.split('.')[0] : undefined;
  }
  return typeof field === 'string' && Object.prototype.hasOwnProperty.call(EMPTY_AGENT, field) ? (field as AgentField) : null;
}
