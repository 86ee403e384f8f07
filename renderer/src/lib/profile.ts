// The learned profile of an agent (`delegation.profile`) in words and shapes the Agents page draws:
// success with its 90% credible interval, typical duration with its spread, how sure the engine
// is, and drift. Pure, tested in node.
import type { AgentProfileDto } from '../../../preload/contract';
import type { BadgeTone } from '../components/badge';

export type TypeProfile = AgentProfileDto['types'][number];
export type DriftEvent = AgentProfileDto['drift']['events'][number];
export type Confidence = TypeProfile['confidence'];

export const CONFIDENCE_LABELS: Record<Confidence, string> = { low: 'Low', medium: 'Medium', high: 'High' };
export const CONFIDENCE_TONES: Record<Confidence, BadgeTone> = { low: 'neutral', medium: 'info', high: 'ok' };
export const CONFIDENCE_HINTS: Record<Confidence, string> = {
  low: 'Few outcomes yet: the estimate leans on the agent’s skill levels.',
  medium: 'Some outcomes: the estimate may still move.',
  high: 'Many recent outcomes: the estimate is firm.',
};

const DRIFT_WORDS: Record<DriftEvent['direction'], string> = {
  slower: 'became slower',
  faster: 'became faster',
  worse: 'succeeds less often',
  better: 'succeeds more often',
};

/** "became slower (duration)". */
export function driftWords(event: Pick<DriftEvent, 'direction' | 'metric'>): string {
  return DRIFT_WORDS[event.direction];
}

/** Whether a drift is bad news (slower or worse) rather than good. */
export function isAdverse(event: Pick<DriftEvent, 'direction'>): boolean {
  return event.direction === 'slower' || event.direction === 'worse';
}

/** Most observations first, then by name. */
export function sortTypes(types: readonly TypeProfile[]): TypeProfile[] {
  return [...types].sort((a, b) => b.observations - a.observations || a.type.localeCompare(b.type));
}

/** 0.8 -> "20% faster than a typical agent on the same work", 1.25 -> "25% slower …", ~1 -> "as fast as …". */
export function speedWords(durationFactor: number): string {
  if (!Number.isFinite(durationFactor) || durationFactor <= 0) return 'no record yet';
  const change = Math.round((durationFactor - 1) * 100);
  if (Math.abs(change) < 3) return 'about as fast as a typical agent on the same work';
  return change < 0 ? `${-change}% faster than a typical agent on the same work` : `${change}% slower than a typical agent on the same work`;
}

/** A success interval as a CSS-ready span on a 0..100 track: where the whisker starts, its width, the mean. */
export function intervalSpan(success: TypeProfile['success']): { low: number; high: number; mean: number } {
  const pct = (x: number) => Math.round(Math.max(0, Math.min(1, Number.isFinite(x) ? x : 0)) * 1000) / 10;
  const low = pct(Math.min(success.low, success.mean));
  const high = pct(Math.max(success.high, success.mean));
  return { low, high, mean: pct(success.mean) };
}
