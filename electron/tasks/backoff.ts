// Retry delays: exponential (base, 2 x base, 4 x base, …) capped at max, with bounded jitter
// taken off the top so that a flock of retries spreads out without ever exceeding the cap.
import type { Random } from '../core/clock';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay that may be shaved off at random: 0.2 gives a delay in (0.8 d, d]. */
  jitter: number;
}

/** The delay before the retry that follows the `failures`-th failed attempt (1-based). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: Random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.round(full - full * jitter * random.next());
}
