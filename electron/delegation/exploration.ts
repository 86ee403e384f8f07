// Exploration by Thompson sampling: on a share of decisions (the rate) candidates are scored with
// a draw from their posterior (success probability and mean duration) instead of the mean, so
// agents with a thin record sometimes win and get a fair chance to prove themselves. Only what is
// still uncertain is drawn: an estimate backed by `untilEvidence` observations or more keeps its
// posterior mean, so exploration stops by itself once the record is there (and comes back when a
// drift alarm cuts an agent's old evidence). Never for critical tasks. All draws come from the
// injected Random, in candidate order: a seeded run replays exactly.
import type { Random } from '../core/clock';
import type { Predictor } from './models';
import type { CandidatePrediction } from './scoring';
import type { TaskPriority } from './types';

export interface ExplorationConfig {
  /** Share of non-critical decisions that draw from the posteriors, 0..1. */
  rate: number;
  /**
   * Observations (decayed) after which an estimate is no longer drawn when exploring: success and
   * duration separately. Infinity draws every candidate on every exploring decision.
   */
  untilEvidence?: number;
}

/** Success and duration estimates with at least this much evidence are not drawn (see ExplorationConfig). */
export const DEFAULT_UNTIL_EVIDENCE = 8;

export const DEFAULT_EXPLORATION: ExplorationConfig = { rate: 0.1, untilEvidence: DEFAULT_UNTIL_EVIDENCE };

/** Whether this decision explores. Critical tasks never do (and draw nothing from `random`). */
export function shouldExplore(priority: TaskPriority, rate: number, random: Random): boolean {
  if (priority === 'critical' || rate <= 0) return false;
  return random.next() < rate;
}

/**
 * The candidate's prediction from the models: posterior means, or when exploring a Thompson draw
 * of each estimate still below `untilEvidence` observations (the others stay at their means).
 */
export function predictCandidate(
  models: Predictor,
  agentId: string,
  type: string,
  margin: number | null,
  waitMs: number,
  explore: boolean,
  random: Random,
  group?: string | null,
  untilEvidence: number = DEFAULT_UNTIL_EVIDENCE,
): CandidatePrediction {
  const s = models.predictSuccess(agentId, type, margin, group);
  const d = models.predictDuration(agentId, type, margin, group);
  if (!explore) {
    return { success: s.mean, durationMs: d.meanMs, logMu: d.mu, logSigma: d.sigma, waitMs, ess: s.ess };
  }
  const success = s.ess < untilEvidence ? models.sampleSuccess(s, random) : s.mean;
  if (d.ess >= untilEvidence) return { success, durationMs: d.meanMs, logMu: d.mu, logSigma: d.sigma, waitMs, ess: s.ess };
  const durationMs = models.sampleMeanDuration(d, random);
  return { success, durationMs, logMu: Math.log(durationMs) - (d.sigma * d.sigma) / 2, logSigma: d.sigma, waitMs, ess: s.ess };
}
