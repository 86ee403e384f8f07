// Token buckets per key (an API key id, or a client address for failed sign-ins). Time comes
// from the injected clock, so tests prove the limits without sleeping; no timers are held.
import type { Clock } from '../core/clock';

export interface RateLimit {
  /** Sustained requests per second. 0 turns the limit off. */
  perSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    /** Buckets kept at most; the least recently used go first (a full bucket forgets nothing). */
    private readonly maxKeys = 10_000,
  ) {}

  get enabled(): boolean {
    return this.limit.perSecond > 0;
  }

  /** Takes one token for `key` (or, with consume false, only looks), or says how long until one is there. */
  take(key: string, consume = true): RateDecision {
    if (!this.enabled) return { ok: true };
    const now = this.clock.now();
    const burst = Math.max(1, this.limit.burst);
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
      bucket.at = now;
    } else {
      bucket = { tokens: burst, at: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      if (consume) bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }
}
