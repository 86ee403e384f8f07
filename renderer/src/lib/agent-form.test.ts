// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ID_A, sampleAgent } from '../testing/fakes';
import { EMPTY_AGENT, agentPatch, agentRefusal, agentValues, readAgent } from './agent-form';

describe('agent form', () => {
  it('reads zone, cost, certifications and availability, and a person’s account and presence', () => {
    const { input, errors } = readAgent({
      ...EMPTY_AGENT,
      name: 'Ann Weber',
      kind: 'human',
      skills: 'inspect:3',
      zone: ' Station 3 ',
      costPerHour: '42,50',
      certifications: 'forklift; first-aid',
      availability: 'shift 06:00-14:00 Mon-Fri; break 10:00-10:15',
      userId: ID_A,
      presence: 'away',
    });
    expect(errors).toEqual({});
    expect(input).toMatchObject({
      zone: 'Station 3',
      costPerHour: 42.5,
      certifications: [
        { name: 'forklift', expiresAt: null },
        { name: 'first-aid', expiresAt: null },
      ],
      availability: [
        { kind: 'shift', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5] },
        { kind: 'break', start: '10:00', end: '10:15' },
      ],
      userId: ID_A,
      presence: 'away',
    });
  });

  it('sends no account or presence for robots and software, and empty optional fields as null', () => {
    const { input } = readAgent({ ...EMPTY_AGENT, name: 'Bot', kind: 'robot', userId: ID_A });
    expect(input).toMatchObject({ zone: null, costPerHour: null, certifications: [], availability: [] });
    expect(input).not.toHaveProperty('userId');
    expect(input).not.toHaveProperty('presence');
  });

  it('names the field that is wrong', () => {
    const { errors } = readAgent({ ...EMPTY_AGENT, name: 'Bot', costPerHour: 'cheap', availability: 'shift 9-5' });
    expect(errors.costPerHour).toBe('Enter an amount, e.g. 42.50.');
    expect(errors.availability).toMatch(/HH:MM-HH:MM/);
  });

  it('words capacity and cost limits plainly, a negative number included', () => {
    expect(readAgent({ ...EMPTY_AGENT, name: 'Bot', capacity: '0' }).errors.capacity).toBe('At least 1.');
    expect(readAgent({ ...EMPTY_AGENT, name: 'Bot', capacity: '-2' }).errors.capacity).toBe('At least 1.');
    expect(readAgent({ ...EMPTY_AGENT, name: 'Bot', capacity: '5000' }).errors.capacity).toBe('At most 1,000.');
    expect(readAgent({ ...EMPTY_AGENT, name: 'Bot', capacity: 'two' }).errors.capacity).toBe('Enter a whole number.');
    expect(readAgent({ ...EMPTY_AGENT, name: 'Bot', costPerHour: '-5' }).errors.costPerHour).toBe('Must not be negative.');
  });

  it('puts the host’s refusal on the field it names, and anything else on the whole form', () => {
    // What the registry throws for a name taken (AppError conflict, details.field).
    expect(agentRefusal({ message: 'An agent named "welder-1" exists already', details: { field: 'name' } })).toEqual({
      field: 'name',
      message: 'An agent named "welder-1" exists already.',
    });
    expect(agentRefusal({ message: 'That user is linked to the agent "Ann" already', details: { field: 'userId' } }).field).toBe('userId');
    // The bridge's schema check names the path of its first issue.
    expect(agentRefusal({ message: 'Invalid input for agents.create: capacity: …', details: { issues: [{ path: 'capacity', message: '…' }] } }).field).toBe('capacity');
    expect(agentRefusal({ message: 'agents.create needs the engineer role', details: undefined })).toEqual({ field: null, message: 'agents.create needs the engineer role' });
    expect(agentRefusal({ message: 'x', details: { field: 'payload' } }).field).toBeNull();
  });

  it('round-trips an agent and patches only what changed', () => {
    const agent = sampleAgent({ zone: 'Cell 2', availability: [{ kind: 'maintenance', start: '22:00', end: '23:00', days: [0] }] });
    const values = agentValues(agent);
    expect(values.availability).toBe('maintenance 22:00-23:00 Sun');
    const same = readAgent(values).input!;
    expect(agentPatch(agent, same)).toEqual({});
    expect(agentPatch(agent, readAgent({ ...values, zone: 'Cell 3', costPerHour: '10' }).input!)).toEqual({ zone: 'Cell 3', costPerHour: 10 });
  });
});
