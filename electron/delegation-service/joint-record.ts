// How a joint round's decisions are recorded. Alike tasks in a round (decisionKey) share one
// single-task view of the roster (candidates, scores, who was kept out and why): it is written
// once (delegation_views) and each pick's decision keeps only what is its own — the task, the
// chosen agent, the round's note. Reading a decision puts the two back together, exactly as the
// round had them. A 2,000-task round used to write ~80 kB per pick (135 MB for 1,666 offers).
import type { CandidateExplanation, Explanation } from '../delegation/scoring';

/** A recorded explanation: the engine's, plus who the engine itself preferred when a supervisor chose. */
export type RecordedExplanation = Explanation & {
  engineChoice?: { agentId: string; name: string; total: number } | null;
  /** Set when the offer came from a joint round (tick(): several tasks and free agents together). */
  joint?: { tasks: number; freeAgents: number; note: string };
};

/** What a joint pick's decision keeps of its own beside the shared view. */
export interface JointPickRecord {
  taskId: string;
  explored: boolean;
  /** The chosen agent as the view saw it (kept here: it may be past the view's kept candidates). */
  chosen: CandidateExplanation | null;
  joint: { tasks: number; freeAgents: number; note: string };
}

/** A pick's explanation from the shared view: the chosen agent first, the runner-up next. */
export function expandJointPick(view: Explanation, pick: JointPickRecord): RecordedExplanation {
  const chosen = pick.chosen;
  const others = chosen ? view.candidates.filter((c) => c.agentId !== chosen.agentId) : view.candidates;
  return {
    ...view,
    taskId: pick.taskId,
    explored: pick.explored,
    winner: chosen,
    runnerUp: chosen ? (others[0] ?? null) : null,
    candidates: chosen ? [chosen, ...others] : others,
    joint: pick.joint,
  };
}

/** Parses a stored pick record (from our own JSON column; shape checked, else null). */
export function parseJointPick(raw: unknown): JointPickRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Partial<JointPickRecord>;
  if (typeof r.taskId !== 'string' || typeof r.explored !== 'boolean' || typeof r.joint !== 'object' || r.joint === null) return null;
  return { taskId: r.taskId, explored: r.explored, chosen: r.chosen ?? null, joint: r.joint };
}
