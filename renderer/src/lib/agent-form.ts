// The agent dialog: typed text -> an `agents.create` input or an `agents.update` patch, with one
// message per field from the contract's schema (skills, tags, certifications and availability are
// read as short lists first). People also carry the user account whose My work shows their tasks.
import { AgentInput, type AgentDto, type AgentKind, type AgentStatus, type Presence } from '../../../preload/contract';
import { formatAvailability, formatCertifications, parseAvailability, parseCertifications } from './availability';
import { fieldErrors, type FieldErrors } from './form';
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
  const capacity = values.capacity.trim();
  if (!/^\d+$/.test(capacity)) errors.capacity = 'Enter a whole number.';
  else input.capacity = Number(capacity);
  const cost = values.costPerHour.trim().replace(',', '.');
  if (!cost) input.costPerHour = null;
  else if (!/^\d+(\.\d{1,4})?$/.test(cost)) errors.costPerHour = 'Enter an amount, e.g. 42.50.';
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
