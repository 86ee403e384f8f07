// @vitest-environment node
// The site's zone distance table in scoring: a near zone scores above a far one, in single
// decisions, joint rounds, clones (what-ifs) and the explanations people read.
import { describe, expect, it } from 'vitest';
import { DelegationEngine } from './engine';
import { whyNotAgent, whyThisAgent } from './explain';
import { SeededRandom } from './rng';
import { zoneDistanceTable } from './scoring';
import type { DelegationAgent, DelegationTask } from './types';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const TABLE = [
  { a: 'Cell A', b: 'Cell B', distance: 0.25 },
  { a: 'Warehouse', b: 'Cell A', distance: 0.9 },
];

const agent = (id: string, zone: string | null): DelegationAgent => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  kind: 'robot',
  status: 'available',
  skills: { weld: 3 },
  capacity: 1,
  load: 0,
  zone,
});
const task = (id: string, zone: string): DelegationTask => ({ id, type: 'weld', priority: 'normal', requires: { weld: 2 }, zone });

function engine(zoneDistances = TABLE) {
  return new DelegationEngine({ random: new SeededRandom(1), config: { exploration: { rate: 0 }, zoneDistances } });
}

describe('zone distance table', () => {
  it('gives listed pairs their distance either way round, the same zone 0, other zones 1 and no zone 0.5', () => {
    const d = zoneDistanceTable(TABLE);
    expect(d('Cell B', 'Cell A')).toBe(0.25);
    expect(d('Cell A', 'Cell B')).toBe(0.25);
    expect(d('Warehouse', 'Cell A')).toBe(0.9);
    expect(d('Cell A', 'Cell A')).toBe(0);
    expect(d('Cell B', 'Warehouse')).toBe(1);
    expect(d(null, 'Cell A')).toBe(0.5);
  });

  it('prefers an agent in a near zone over one in a far zone, and says so in the explanation', () => {
    const e = engine();
    const d = e.decide(task('t1', 'Cell A'), [agent('far', 'Warehouse'), agent('near', 'Cell B'), agent('other', 'Paint shop')], NOW);
    expect(d.agentId).toBe('near');
    const byId = Object.fromEntries(d.explanation.candidates.map((c) => [c.agentId, c.components.zone]));
    expect(byId.near).toBeCloseTo(0.75);
    expect(byId.far).toBeCloseTo(0.1);
    expect(byId.other).toBe(0);
    expect(whyThisAgent(d.explanation)).toContain('Near was chosen');
    expect(whyNotAgent(d.explanation, 'far')).toContain('a shorter way to the work (zone Cell B vs Warehouse)');
  });

  it('without a table another zone is as far as any other', () => {
    const e = engine([]);
    const d = e.decide(task('t1', 'Cell A'), [agent('far', 'Warehouse'), agent('near', 'Cell B')], NOW);
    expect(d.explanation.candidates.map((c) => c.components.zone)).toEqual([0, 0]);
  });

  it('follows a replaced table from the next decision, in joint rounds and clones, and stays portable to a worker', () => {
    const e = engine([]);
    e.setZoneDistances([{ a: 'Cell A', b: 'Warehouse', distance: 0.1 }]);
    expect(e.decide(task('t1', 'Cell A'), [agent('near', 'Cell B'), agent('far', 'Warehouse')], NOW).agentId).toBe('far');
    e.setZoneDistances(TABLE);
    const joint = e.decideJointSync([task('t2', 'Cell A')], [agent('far', 'Warehouse'), agent('near', 'Cell B')], NOW, { explore: false });
    expect(joint.assignments.map((a) => a.agentId)).toEqual(['near']);
    expect(e.portable).toBe(true);
    // A worker's replica gets the table with the rest of the config (structured clone).
    const replica = new DelegationEngine({ random: new SeededRandom(1) });
    Object.assign(replica.config, structuredClone(e.config));
    expect(replica.decide(task('t3', 'Cell A'), [agent('far', 'Warehouse'), agent('near', 'Cell B')], NOW).agentId).toBe('near');
    expect(e.clone().decide(task('t4', 'Cell A'), [agent('far', 'Warehouse'), agent('near', 'Cell B')], NOW).agentId).toBe('near');
  });
});
