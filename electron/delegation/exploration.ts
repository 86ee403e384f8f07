// Exploration by Thompson sampling: on a share of decisions (the rate) every candidate is scored
// with a draw from its posterior (success probability and mean duration) instead of the mean, so
// agents with a thin record sometimes win and get a fair chance to prove themselves. The draw
// shrinks as evidence grows, so exploration fades by itself. Never for critical tasks. All draws
// come from the injected Random, in candidate order: a seeded run replays exactly.
import type { Random } from '../core/clock';
import type { Predictor } from './models';
import type { CandidatePrediction } from './scoring';
import type { TaskPriority } from './types';

export interface ExplorationConfig {
  /** Share of non-critical decisions that draw from the posteriors, 0..1. */
  rate: number;
}

export const DEFAULT_EXPLORATION: ExplorationConfig = { rate: 0.1 };

/** Whether this decision explores. Critical tasks never do (and draw nothing from `random`). */
export function shouldExplore(priority: TaskPriority, rate: number, random: Random): boolean {
  if (priority === 'critical' || rate <= 0) return false;
  return random.next() < rate;
}

/** The candidate's prediction from the models: posterior means, or one Thompson draw when exploring. */
export function predictCandidate(
  models: Predictor,
  agentId: string,
  type: string,
  margin: number | null,
  waitMs: number,
  explore: boolean,
  random: Random,
  group?: string | null,
): CandidatePrediction {
  const s = models.predictSuccess(agentId, type, margin, group);
  const d = models.predictDuration(agentId, type, margin, group);
  if (!explore) {
    return { success: s.mean, durationMs: d.meanMs, logMu: d.mu, logSigma: d.sigma, waitMs, ess: s.ess };
  }
  const success = models.sampleSuccess(s, random);
  const durationMs = models.sampleMeanDuration(d, random);
  return { success, durationMs, logMu: Math.log(durationMs) - (d.sigma * d.sigma) / 2, logSigma: d.sigma, waitMs, ess: s.ess };
}
