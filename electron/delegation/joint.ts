// Joint assignment: when several tasks and agents are free together, choose the matching with
// the highest total value instead of handing each task in turn its favourite.
//
// The solver is the shortest-augmenting-path (Hungarian / successive shortest path) method on a
// sparse bipartite graph: tasks x their top candidates, agents with a capacity (spare slots).
// Each task also has a private "leave it unassigned" option of value 0, so every task is matched
// and the search from a new task ends quickly. Tasks are added one at a time; after each the
// matching is optimal for the tasks added so far (dual potentials keep reduced costs >= 0, so each
// search is a Dijkstra). A generator yields every few tasks: solveAssignment() runs it at once,
// runSliced() runs it in slices of a few ms with an await between, so a large instance never
// blocks the main thread for long.
//
// Priorities: value = tier bonus + priority weight x score. The tier bonuses are spaced wider than
// any sum of score changes, so the optimum over the edges assigns the most critical tasks possible,
// then the most high ones, and so on. placementSteps() finds, over every qualified agent (not only
// the top candidates), a matching that places that many; its edges join the candidates, so the
// optimum is never short of them: a critical task never loses its only qualified agent to a lower one.
import { performance } from 'node:perf_hooks';
import { PRIORITY_RANK, type TaskPriority } from './types';

export interface AssignmentProblem {
  taskCount: number;
  agentCount: number;
  /** CSR: task i's candidates are edges rowStart[i] .. rowStart[i + 1] - 1. */
  rowStart: Int32Array;
  edgeAgent: Int32Array;
  /** Value of each edge, >= 0 (higher is better). */
  edgeValue: Float64Array;
  /** Spare slots per agent. */
  capacity: Int32Array;
  /** The order tasks are added in (any order gives the optimum; priority order is fastest). */
  order?: Int32Array;
  /**
   * Each search may stop at an augmenting path within this much (in value) of the shortest
   * (default 0: exact). See AssignmentSolver: a small tolerance cuts the search a lot and costs
   * next to nothing in value; it never changes how many tasks of each priority are placed.
   */
  tolerance?: number;
}

/** Score multiplier per priority rank (critical .. low). */
export const PRIORITY_WEIGHT: readonly number[] = [4, 2, 1, 0.5];

/**
 * A task's value for an agent: tier bonus + weight x score (score in [0, 1]) + ageWeight x age
 * (age in [0, 1]: 1 for the task that has waited longest in the round). `taskCount` sizes the gap
 * between tiers so it exceeds any sum of value changes along an augmenting path.
 */
export function priorityValue(priority: TaskPriority, score: number, taskCount: number, age = 0, ageWeight = 0): number {
  const rank = PRIORITY_RANK[priority];
  const gap = (PRIORITY_WEIGHT[0]! + ageWeight) * (taskCount + 2);
  return (3 - rank) * gap + 1 + PRIORITY_WEIGHT[rank]! * Math.min(1, Math.max(0, score)) + ageWeight * Math.min(1, Math.max(0, age));
}

/** Builds a problem from per-task candidate lists (small cases and tests). */
export function problemFrom(
  candidates: readonly (readonly { agent: number; value: number }[])[],
  capacity: readonly number[],
): AssignmentProblem {
  const rowStart = new Int32Array(candidates.length + 1);
  let e = 0;
  for (let i = 0; i < candidates.length; i++) {
    rowStart[i] = e;
    e += candidates[i]!.length;
  }
  rowStart[candidates.length] = e;
  const edgeAgent = new Int32Array(e);
  const edgeValue = new Float64Array(e);
  e = 0;
  for (const list of candidates) {
    for (const c of list) {
      edgeAgent[e] = c.agent;
      edgeValue[e] = c.value;
      e++;
    }
  }
  return { taskCount: candidates.length, agentCount: capacity.length, rowStart, edgeAgent, edgeValue, capacity: Int32Array.from(capacity) };
}

/** Sum of the values of the chosen edges. */
export function totalValue(p: AssignmentProblem, assignment: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < p.taskCount; i++) {
    const a = assignment[i]!;
    if (a < 0) continue;
    for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
      if (p.edgeAgent[e] === a) {
        sum += p.edgeValue[e]!;
        break;
      }
    }
  }
  return sum;
}

/** Removes x from an unordered list (the last element takes its place). */
function swapRemove(list: number[], x: number): void {
  const at = list.indexOf(x);
  list[at] = list[list.length - 1]!;
  list.pop();
}

/**
 * The state of the shortest-augmenting-path solver. addTask() is a plain method, not a generator,
 * and the heap is fields rather than closures over reassigned buffers; the generator below only
 * drives it. Each agent's holders sit in one flat Int32Array (at most its capacity each), and the
 * heap is 4-ary (a search pushes about three times what it pops). On a dumped 2,000-task round
 * of bench:assign (tolerance 0.01) those two took the solve alone from 19 to 16.5 ms.
 *
 * Tolerance: with priority tiers, the paths a new task's search weighs differ mostly by small
 * score differences, so an exact search visits a wide plateau of rows before it may stop. With
 * tolerance eps it stops once nothing left can beat the best path found by more than eps, and
 * skips rows that would not improve by more than eps. The tier gap (priorityValue) exceeds any
 * sum of eps over the round, so the count placed per priority is the same as the exact optimum's;
 * only the sum of scores may fall short. Measured on bench:assign's 2,000-task rounds with eps
 * 0.01: the search time fell from ~54 to ~19 ms and the total value fell short of the exact
 * optimum by 0.02 (scores 0..1 weighted 0.5..4 per task, summed over ~1,500 placed tasks).
 */
class AssignmentSolver {
  private readonly rowStart: Int32Array;
  private readonly edgeAgent: Int32Array;
  private readonly edgeValue: Float64Array;
  private readonly M: number;
  private readonly eps: number;
  private readonly u: Float64Array;
  /** -2 not added yet, -1 unassigned (own dummy). */
  readonly assigned: Int32Array;
  private readonly assignedCost: Float64Array;
  /** Rows holding each agent, flat: agent j's are holders[holderStart[j] .. + holderCount[j]] (at most its capacity). */
  private readonly holderStart: Int32Array;
  private readonly holderCount: Int32Array;
  private readonly holders: Int32Array;
  /** M - value per edge. */
  private readonly edgeCost: Float64Array;
  private readonly spare: Int32Array;
  private readonly dist: Float64Array;
  private readonly seen: Int32Array;
  private readonly popped: Int32Array;
  private readonly prevRow: Int32Array;
  private readonly prevCost: Float64Array;
  private readonly scanned: Int32Array;
  // Per agent, the shortest distance it was reached at in this search: its holders are relaxed
  // again only when that improves (many scanned rows share the same popular agents).
  private readonly agentSeen: Int32Array;
  private readonly agentDist: Float64Array;
  private heapD = new Float64Array(256);
  private heapR = new Int32Array(256);
  private heapSize = 0;
  private epoch = 0;

  constructor(p: AssignmentProblem) {
    const n = p.taskCount;
    this.rowStart = p.rowStart;
    this.edgeAgent = p.edgeAgent;
    this.edgeValue = p.edgeValue;
    let maxValue = 0;
    for (let e = 0; e < p.edgeValue.length; e++) if (p.edgeValue[e]! > maxValue) maxValue = p.edgeValue[e]!;
    this.M = maxValue + 1;
    this.eps = Math.max(0, p.tolerance ?? 0);
    this.u = new Float64Array(n);
    this.assigned = new Int32Array(n).fill(-2);
    this.assignedCost = new Float64Array(n);
    this.holderStart = new Int32Array(p.agentCount + 1);
    for (let j = 0; j < p.agentCount; j++) this.holderStart[j + 1] = this.holderStart[j]! + Math.max(0, p.capacity[j]!);
    this.holderCount = new Int32Array(p.agentCount);
    this.holders = new Int32Array(this.holderStart[p.agentCount]!);
    this.edgeCost = new Float64Array(p.edgeValue.length);
    for (let e = 0; e < p.edgeValue.length; e++) this.edgeCost[e] = this.M - p.edgeValue[e]!;
    this.spare = Int32Array.from(p.capacity);
    this.dist = new Float64Array(n);
    this.seen = new Int32Array(n);
    this.popped = new Int32Array(n);
    this.prevRow = new Int32Array(n);
    this.prevCost = new Float64Array(n);
    this.scanned = new Int32Array(n);
    this.agentSeen = new Int32Array(p.agentCount);
    this.agentDist = new Float64Array(p.agentCount);
  }

  private push(d: number, r: number): void {
    if (this.heapSize === this.heapD.length) {
      const nd = new Float64Array(this.heapD.length * 2);
      nd.set(this.heapD);
      this.heapD = nd;
      const nr = new Int32Array(this.heapR.length * 2);
      nr.set(this.heapR);
      this.heapR = nr;
    }
    const heapD = this.heapD;
    const heapR = this.heapR;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (heapD[parent]! <= d) break;
      heapD[i] = heapD[parent]!;
      heapR[i] = heapR[parent]!;
      i = parent;
    }
    heapD[i] = d;
    heapR[i] = r;
  }

  /** Removes the root (read heapD[0] / heapR[0] before). */
  private pop(): void {
    const heapD = this.heapD;
    const heapR = this.heapR;
    const size = --this.heapSize;
    const d = heapD[size]!;
    const r = heapR[size]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= size) break;
      let c = first;
      let cd = heapD[first]!;
      const end = Math.min(first + 4, size);
      for (let k = first + 1; k < end; k++) {
        if (heapD[k]! < cd) {
          cd = heapD[k]!;
          c = k;
        }
      }
      if (cd >= d) break;
      heapD[i] = cd;
      heapR[i] = heapR[c]!;
      i = c;
    }
    heapD[i] = d;
    heapR[i] = r;
  }

  /** Adds task s: a Dijkstra search for its cheapest augmenting path, then the augmentation. */
  addTask(s: number): void {
    const { rowStart, edgeAgent, edgeCost, M, eps, u, assigned, assignedCost, holderStart, holderCount, holders, spare, dist, seen, popped, prevRow, prevCost, scanned, agentSeen, agentDist } = this;
    const epoch = ++this.epoch;
    this.heapSize = 0;
    dist[s] = 0;
    seen[s] = epoch;
    this.push(0, s);
    let bestD = Infinity;
    let termRow = s;
    let termAgent = -1;
    let termCost = M;
    let nScanned = 0;
    while (this.heapSize > 0) {
      const d = this.heapD[0]!;
      const x = this.heapR[0]!;
      this.pop();
      if (popped[x] === epoch || d > dist[x]!) continue;
      if (d >= bestD - eps) break;
      popped[x] = epoch;
      scanned[nScanned++] = x;
      const ux = u[x]!;
      const own = assigned[x]!;
      if (own !== -1) {
        const cand = d + M - ux;
        if (cand < bestD) {
          bestD = cand;
          termRow = x;
          termAgent = -1;
          termCost = M;
        }
      }
      const eEnd = rowStart[x + 1]!;
      for (let e = rowStart[x]!; e < eEnd; e++) {
        const j = edgeAgent[e]!;
        if (j === own) continue;
        const c = edgeCost[e]!;
        const base = d + c - ux;
        if (spare[j]! > 0 && base < bestD) {
          bestD = base;
          termRow = x;
          termAgent = j;
          termCost = c;
        }
        if (agentSeen[j] === epoch && base >= agentDist[j]!) continue;
        agentSeen[j] = epoch;
        agentDist[j] = base;
        const hEnd = holderStart[j]! + holderCount[j]!;
        for (let q = holderStart[j]!; q < hEnd; q++) {
          const r = holders[q]!;
          if (popped[r] === epoch) continue;
          const nd = base - (assignedCost[r]! - u[r]!);
          if (nd >= bestD - eps) continue;
          if (seen[r] !== epoch || nd < dist[r]!) {
            seen[r] = epoch;
            dist[r] = nd;
            prevRow[r] = x;
            prevCost[r] = c;
            this.push(nd, r);
          }
        }
      }
    }
    for (let i = 0; i < nScanned; i++) {
      const x = scanned[i]!;
      if (dist[x]! < bestD) u[x] = u[x]! + bestD - dist[x]!;
    }
    // Augment: the terminal row takes the free slot, each row on the path takes its successor's slot.
    let row = termRow;
    let agent = termAgent;
    let cost = termCost;
    if (agent >= 0) spare[agent] = spare[agent]! - 1;
    for (;;) {
      const old = assigned[row]!;
      if (old >= 0) {
        const start = holderStart[old]!;
        const last = start + --holderCount[old]!;
        let at = start;
        while (holders[at] !== row) at++;
        holders[at] = holders[last]!;
      }
      assigned[row] = agent;
      assignedCost[row] = cost;
      if (agent >= 0) holders[holderStart[agent]! + holderCount[agent]!++] = row;
      if (row === s) break;
      agent = old;
      cost = prevCost[row]!;
      row = prevRow[row]!;
    }
  }
}

/** Optimal assignment as a generator that yields after every 8 tasks. Result: agent per task, -1 unassigned. */
export function* assignmentSteps(p: AssignmentProblem): Generator<void, Int32Array, void> {
  const n = p.taskCount;
  const solver = new AssignmentSolver(p);
  const order = p.order ?? Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < order.length; k++) {
    solver.addTask(order[k]!);
    if ((k & 7) === 7) yield;
  }
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) result[i] = solver.assigned[i]! >= 0 ? solver.assigned[i]! : -1;
  return result;
}

/**
 * Which agent each task holds in a matching that places as many tasks as possible, tier by tier:
 * tasks are taken in the given order (priority first) and each looks, breadth first, for an
 * augmenting path from its list to an agent with a spare slot; a task once placed stays placed
 * (it may move to another agent of its list). Taken in priority order this is the greedy basis of
 * a transversal matroid: no matching places more critical tasks, nor as many critical and more
 * high ones, and so on. Its edges, added to the candidate edges, let the optimum place that many
 * too. A search that fails marks every agent it reached as exhausted: their holders can only move
 * among exhausted agents, so no later path through them ends at a free slot (each agent is
 * searched past once after that, which keeps the whole pass near-linear in the edges).
 *
 * lists[b]: agent indices of list b, best first (the first free agent found is taken);
 * listOf[i]: task i's list. Result: for each task the position in its list of the agent it holds,
 * or -1. Yields every 32 tasks.
 */
export function* placementSteps(
  lists: readonly ArrayLike<number>[],
  listOf: Int32Array,
  capacity: Int32Array,
): Generator<void, Int32Array, void> {
  const n = listOf.length;
  const agentCount = capacity.length;
  const spare = Int32Array.from(capacity);
  const agentOf = new Int32Array(n).fill(-1);
  const posOf = new Int32Array(n).fill(-1);
  const holders: number[][] = Array.from({ length: agentCount }, () => []);
  const exhausted = new Uint8Array(agentCount);
  const agentSeen = new Int32Array(agentCount);
  const taskSeen = new Int32Array(n);
  const fromTask = new Int32Array(agentCount);
  const fromPos = new Int32Array(agentCount);
  const queue = new Int32Array(n);
  const reached = new Int32Array(agentCount);
  let left = 0;
  for (let j = 0; j < agentCount; j++) left += Math.max(0, spare[j]!);
  let stamp = 0;
  for (let s = 0; s < n && left > 0; s++) {
    if ((s & 31) === 31) yield;
    stamp++;
    let head = 0;
    let tail = 0;
    let nReached = 0;
    queue[tail++] = s;
    taskSeen[s] = stamp;
    let endTask = -1;
    let endAgent = -1;
    let endPos = -1;
    search: while (head < tail) {
      const x = queue[head++]!;
      const list = lists[listOf[x]!]!;
      for (let k = 0; k < list.length; k++) {
        const j = list[k]!;
        if (exhausted[j] === 1 || agentSeen[j] === stamp) continue;
        agentSeen[j] = stamp;
        fromTask[j] = x;
        fromPos[j] = k;
        reached[nReached++] = j;
        if (spare[j]! > 0) {
          endTask = x;
          endAgent = j;
          endPos = k;
          break search;
        }
        const rows = holders[j]!;
        for (let q = 0; q < rows.length; q++) {
          const h = rows[q]!;
          if (taskSeen[h] === stamp) continue;
          taskSeen[h] = stamp;
          queue[tail++] = h;
        }
      }
    }
    if (endAgent < 0) {
      for (let q = 0; q < nReached; q++) exhausted[reached[q]!] = 1;
      continue;
    }
    spare[endAgent] = spare[endAgent]! - 1;
    left--;
    // Augment: each task on the path takes the agent it reached next, its old slot goes back along the path.
    let t = endTask;
    let a = endAgent;
    let pos = endPos;
    for (;;) {
      const old = agentOf[t]!;
      if (old >= 0) swapRemove(holders[old]!, t);
      holders[a]!.push(t);
      agentOf[t] = a;
      posOf[t] = pos;
      if (t === s) break;
      a = old;
      pos = fromPos[old]!;
      t = fromTask[old]!;
    }
  }
  return posOf;
}

/** Runs a step generator to completion at once. */
export function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export function solveAssignment(p: AssignmentProblem): Int32Array {
  return runToEnd(assignmentSteps(p));
}

/** Each task in `order` takes its best-valued agent with a spare slot: the peer joint beats. */
export function greedyAssignment(p: AssignmentProblem, order?: Int32Array): Int32Array {
  const spare = Int32Array.from(p.capacity);
  const result = new Int32Array(p.taskCount).fill(-1);
  const seq = order ?? Int32Array.from({ length: p.taskCount }, (_, i) => i);
  for (let k = 0; k < seq.length; k++) {
    const i = seq[k]!;
    let best = -1;
    let bestValue = -Infinity;
    for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
      const j = p.edgeAgent[e]!;
      if (spare[j]! > 0 && p.edgeValue[e]! > bestValue) {
        bestValue = p.edgeValue[e]!;
        best = j;
      }
    }
    if (best >= 0) {
      spare[best] = spare[best]! - 1;
      result[i] = best;
    }
  }
  return result;
}

export interface SliceStats {
  slices: number;
  /** The longest stretch the thread was held without an await, ms. */
  longestSliceMs: number;
  /** Wall time from start to result, awaits included, ms. */
  totalMs: number;
}

export interface SliceOptions {
  /** Work per slice before yielding, ms (default 6: a step overshoots by a few ms at most, well inside a 16 ms frame). */
  sliceMs?: number;
  /** How to give the thread back (default setImmediate). */
  yieldFn?: () => Promise<void>;
  /** Wall clock for slicing, ms (default performance.now; not domain time). */
  wallClock?: () => number;
}

const yieldImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a step generator in slices, awaiting between them; reports the longest slice. */
export async function runSliced<T>(steps: Generator<void, T, void>, options: SliceOptions = {}): Promise<{ value: T; stats: SliceStats }> {
  const sliceMs = options.sliceMs ?? 6;
  const yieldFn = options.yieldFn ?? yieldImmediate;
  const wall = options.wallClock ?? (() => performance.now());
  const start = wall();
  let slices = 0;
  let longest = 0;
  for (;;) {
    const t0 = wall();
    let r = steps.next();
    while (!r.done && wall() - t0 < sliceMs) r = steps.next();
    const took = wall() - t0;
    slices++;
    if (took > longest) longest = took;
    if (r.done) return { value: r.value, stats: { slices, longestSliceMs: longest, totalMs: wall() - start } };
    await yieldFn();
  }
}
