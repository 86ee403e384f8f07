// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignmentSteps,
  greedyAssignment,
  placementSteps,
  priorityValue,
  problemFrom,
  runSliced,
  runToEnd,
  solveAssignment,
  totalValue,
  type AssignmentProblem,
} from './joint';

/** Exhaustive optimum for small problems. */
function bruteForce(p: AssignmentProblem): number {
  const spare = Array.from(p.capacity);
  let best = 0;
  const go = (i: number, sum: number) => {
    if (i === p.taskCount) {
      best = Math.max(best, sum);
      return;
    }
    go(i + 1, sum);
    for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
      const j = p.edgeAgent[e]!;
      if (spare[j]! > 0) {
        spare[j]!--;
        go(i + 1, sum + p.edgeValue[e]!);
        spare[j]!++;
      }
    }
  };
  go(0, 0);
  return best;
}

function respectsCapacity(p: AssignmentProblem, a: Int32Array): boolean {
  const used = new Array<number>(p.agentCount).fill(0);
  for (const j of a) if (j >= 0) used[j]!++;
  return used.every((u, j) => u <= p.capacity[j]!);
}

describe('joint assignment', () => {
  it('finds the optimum of random small problems with capacities (against brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(3), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: 0, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        (tasks, agents, raw, caps) => {
          const lists: { agent: number; value: number }[][] = Array.from({ length: tasks }, () => []);
          raw.forEach(([agent, value], k) => {
            const list = lists[k % tasks]!;
            const j = agent % agents;
            if (!list.some((c) => c.agent === j)) list.push({ agent: j, value });
          });
          const p = problemFrom(lists, caps.slice(0, agents));
          const a = solveAssignment(p);
          expect(respectsCapacity(p, a)).toBe(true);
          expect(totalValue(p, a)).toBeCloseTo(bruteForce(p), 9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with a tolerance, places as many tasks of each priority as the exact optimum, within tolerance x tasks of its value', () => {
    const tiers = ['critical', 'high', 'normal', 'low'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        // A crowded round: 150 tasks over 40 agents with 1-2 slots, 3-8 candidates each.
        let x = seed;
        const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const n = 150;
        const agents = 40;
        const tierOf = Array.from({ length: n }, () => Math.floor(next() * 4));
        const lists = Array.from({ length: n }, (_, i) => {
          const list: { agent: number; value: number }[] = [];
          const want = 3 + Math.floor(next() * 6);
          while (list.length < want) {
            const j = Math.floor(next() * agents);
            if (!list.some((c) => c.agent === j)) list.push({ agent: j, value: priorityValue(tiers[tierOf[i]!]!, next(), n, next(), 0.25) });
          }
          return list;
        });
        const caps = Array.from({ length: agents }, () => 1 + Math.floor(next() * 2));
        const exactProblem = problemFrom(lists, caps);
        const tolerance = 0.01;
        const loose = { ...problemFrom(lists, caps), tolerance };
        const exact = solveAssignment(exactProblem);
        const near = solveAssignment(loose);
        expect(respectsCapacity(loose, near)).toBe(true);
        const perTier = (a: Int32Array) => [0, 1, 2, 3].map((t) => tierOf.filter((tier, i) => tier === t && a[i]! >= 0).length);
        expect(perTier(near)).toEqual(perTier(exact));
        const gap = totalValue(exactProblem, exact) - totalValue(loose, near);
        expect(gap).toBeGreaterThanOrEqual(-1e-6);
        expect(gap).toBeLessThanOrEqual(tolerance * n);
      }),
      { numRuns: 40 },
    );
  });

  it('beats greedy on a crafted case where greedy strands the critical task', () => {
    // Agents: 0 = the only level-5 welder (best at everything), 1 = a level-1 welder.
    // Tasks in arrival order: a low task anyone can do (prefers agent 0), then a critical task only agent 0 can do.
    const n = 2;
    const p = problemFrom(
      [
        [
          { agent: 0, value: priorityValue('low', 0.9, n) },
          { agent: 1, value: priorityValue('low', 0.6, n) },
        ],
        [{ agent: 0, value: priorityValue('critical', 0.8, n) }],
      ],
      [1, 1],
    );
    const greedy = greedyAssignment(p);
    const joint = solveAssignment(p);
    expect(Array.from(greedy)).toEqual([0, -1]);
    expect(Array.from(joint)).toEqual([1, 0]);
    expect(totalValue(p, joint)).toBeGreaterThan(totalValue(p, greedy));
  });

  it('never gives a critical task’s only agent to a low one, however good the low pairings score', () => {
    const tasks = 30;
    const lists = Array.from({ length: tasks }, (_, i) =>
      i === tasks - 1
        ? [{ agent: 0, value: priorityValue('critical', 0, tasks) }]
        : [
            { agent: 0, value: priorityValue('low', 1, tasks) },
            { agent: 1 + (i % 5), value: priorityValue('low', 1, tasks) },
          ],
    );
    const a = solveAssignment(problemFrom(lists, [1, 1, 1, 1, 1, 1]));
    expect(a[tasks - 1]).toBe(0);
  });

  it('places the most tasks possible tier by tier, first tier first (against brute force)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.uniqueArray(fc.nat(3), { maxLength: 4 })), { minLength: 1, maxLength: 7 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        (raw, caps) => {
          // Tasks in tier order (0 first), each with its own list of agents.
          const tasks = [...raw].sort((a, b) => a[0] - b[0]);
          const lists = tasks.map(([, agents]) => Int32Array.from(agents));
          const capacity = Int32Array.from(caps);
          const pos = runToEnd(placementSteps(lists, Int32Array.from(tasks, (_, i) => i), capacity));
          const used = [0, 0, 0, 0];
          const got = [0, 0, 0];
          pos.forEach((k, i) => {
            if (k < 0) return;
            expect(k).toBeLessThan(lists[i]!.length);
            used[lists[i]![k]!]!++;
            got[tasks[i]![0]]!++;
          });
          used.forEach((u, j) => expect(u).toBeLessThanOrEqual(caps[j]!));
          // Every assignment, the best tier counts compared tier by tier.
          let best = [0, 0, 0];
          const counts = [0, 0, 0];
          const left = [...caps];
          const go = (i: number) => {
            if (i === tasks.length) {
              const better = counts.findIndex((c, t) => c !== best[t]);
              if (better >= 0 && counts[better]! > best[better]!) best = [...counts];
              return;
            }
            go(i + 1);
            for (const j of tasks[i]![1]) {
              if (left[j]! <= 0) continue;
              left[j]!--;
              counts[tasks[i]![0]]!++;
              go(i + 1);
              counts[tasks[i]![0]]!--;
              left[j]!++;
            }
          };
          go(0);
          expect(got).toEqual(best);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('takes each task’s best-listed free agent when nobody competes for it', () => {
    const pos = runToEnd(placementSteps([Int32Array.from([2, 0, 1]), Int32Array.from([1, 2])], Int32Array.from([0, 1, 1]), Int32Array.from([1, 1, 2])));
    // Task 0 takes agent 2; task 1 takes agent 1 (its first); task 2 finds agent 1 full and takes agent 2's last slot.
    expect(Array.from(pos)).toEqual([0, 0, 1]);
  });

  it('runs in slices that yield, and gives the same answer as the one-shot solver', async () => {
    const tasks = 400;
    const agents = 200;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const lists = Array.from({ length: tasks }, () => {
      const seen = new Set<number>();
      const out: { agent: number; value: number }[] = [];
      for (let k = 0; k < 8; k++) {
        const j = Math.floor(rand() * agents);
        if (!seen.has(j)) {
          seen.add(j);
          out.push({ agent: j, value: rand() });
        }
      }
      return out;
    });
    const p = problemFrom(lists, Array.from({ length: agents }, () => 1));
    let yields = 0;
    let t = 0;
    const sliced = await runSliced(assignmentSteps(p), {
      sliceMs: 2,
      wallClock: () => (t += 1),
      yieldFn: async () => {
        yields++;
      },
    });
    expect(yields).toBeGreaterThan(10);
    expect(sliced.stats.slices).toBe(yields + 1);
    expect(Array.from(sliced.value)).toEqual(Array.from(solveAssignment(p)));
  });
});
