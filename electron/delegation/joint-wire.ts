// The messages between the main thread and the joint-round worker (joint-worker.ts): plain data
// only. A round goes in two messages, so the main thread clones it in two shorter stretches: the
// roster (the job's agents), then the engine's config, what the worker's models lack
// (modelUpdate) and the rest of the job (jointJob). The answer is typed arrays, transferred rather
// than copied: positions in the job's task and agent lists, scores and components, so the main
// thread rebuilds the decision without parsing or copying much.
import { JOINT_NOBODY_QUALIFIED, JOINT_TAKEN_BY_OTHERS, type EngineConfig, type JointDecision, type JointJob, type ModelUpdate } from './engine';
import { COMPONENTS, type Components } from './scoring';

/** First message of round `id`: its agents. */
export interface RosterMessage {
  type: 'roster';
  id: number;
  agents: JointJob['agents'];
}

/** Second message of round `id`: the rest; the worker answers it with a RoundReply. */
export interface RoundRequest {
  type: 'round';
  id: number;
  config: EngineConfig;
  model: ModelUpdate;
  job: Omit<JointJob, 'agents'>;
}

export type ToWorker = RosterMessage | RoundRequest;

/** The stats a worker reports; the main thread adds where and how long (slices, totalMs, solvedIn). */
export type WorkerStats = Omit<JointDecision['stats'], 'slices' | 'longestSliceMs' | 'totalMs' | 'solvedIn' | 'workerMs'>;

export interface EncodedJoint {
  /** (task position in job.tasks, agent position in job.agents) per assignment, best priority first. */
  picks: Int32Array;
  scores: Float64Array;
  /** COMPONENTS.length values per assignment, in COMPONENTS order. */
  components: Float64Array;
  /** Positions in job.tasks of the tasks left unassigned, and why (an index into UNASSIGNED_REASONS). */
  unassigned: Int32Array;
  reasons: Uint8Array;
  stats: WorkerStats;
}

export type RoundReply =
  | { type: 'done'; id: number; result: EncodedJoint; solveMs: number }
  | { type: 'failed'; id: number; message: string };

const UNASSIGNED_REASONS = [JOINT_NOBODY_QUALIFIED, JOINT_TAKEN_BY_OTHERS] as const;

/** In the worker: the decision as transferable arrays, and the buffers to transfer. */
export function encodeJoint(job: JointJob, decision: JointDecision): { result: EncodedJoint; transfer: ArrayBuffer[] } {
  const taskAt = new Map(job.tasks.map((t, i) => [t.id, i]));
  const agentAt = new Map(job.agents.map((a, i) => [a.id, i]));
  const n = decision.assignments.length;
  const width = COMPONENTS.length;
  const picks = new Int32Array(2 * n);
  const scores = new Float64Array(n);
  const components = new Float64Array(width * n);
  decision.assignments.forEach((a, k) => {
    picks[2 * k] = taskAt.get(a.taskId)!;
    picks[2 * k + 1] = agentAt.get(a.agentId)!;
    scores[k] = a.score;
    for (let c = 0; c < width; c++) components[k * width + c] = a.components[COMPONENTS[c]!];
  });
  const unassigned = new Int32Array(decision.unassigned.length);
  const reasons = new Uint8Array(decision.unassigned.length);
  decision.unassigned.forEach((u, k) => {
    const reason = UNASSIGNED_REASONS.indexOf(u.reason as (typeof UNASSIGNED_REASONS)[number]);
    if (reason < 0) throw new Error(`A joint round gave a reason the wire does not know: ${u.reason}`);
    unassigned[k] = taskAt.get(u.taskId)!;
    reasons[k] = reason;
  });
  const { tasks, freeAgents, buckets, edges, placementEdges, filled, explored } = decision.stats;
  return {
    result: { picks, scores, components, unassigned, reasons, stats: { tasks, freeAgents, buckets, edges, placementEdges, filled, explored } },
    transfer: [picks.buffer, scores.buffer, components.buffer, unassigned.buffer, reasons.buffer] as ArrayBuffer[],
  };
}

/** On the main thread: the decision back from its arrays (stats without the timing, which the caller adds). */
export function decodeJoint(job: JointJob, result: EncodedJoint): Omit<JointDecision, 'stats'> & { stats: WorkerStats } {
  const width = COMPONENTS.length;
  const assignments: JointDecision['assignments'] = [];
  for (let k = 0; k < result.scores.length; k++) {
    const components = {} as Components;
    for (let c = 0; c < width; c++) components[COMPONENTS[c]!] = result.components[k * width + c]!;
    assignments.push({
      taskId: job.tasks[result.picks[2 * k]!]!.id,
      agentId: job.agents[result.picks[2 * k + 1]!]!.id,
      score: result.scores[k]!,
      components,
    });
  }
  const unassigned: JointDecision['unassigned'] = [];
  for (let k = 0; k < result.unassigned.length; k++) {
    unassigned.push({ taskId: job.tasks[result.unassigned[k]!]!.id, reason: UNASSIGNED_REASONS[result.reasons[k]!]! });
  }
  return { assignments, unassigned, stats: result.stats };
}
