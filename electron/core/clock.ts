// Time and randomness are injected so retries, lockouts and idle locks are tested without sleeping.
import { randomBytes } from 'node:crypto';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1, 8, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  bytes(n: number): Buffer;
}

/**
 * next() draws from a 4 KiB pool of CSPRNG bytes refilled when used up (a randomBytes call costs
 * about a microsecond, and ids take up to 16 draws each); bytes(n), for secrets and tokens,
 * always comes fresh from the CSPRNG.
 */
let pool = Buffer.alloc(0);
let poolAt = 0;
export const cryptoRandom: Random = {
  next: () => {
    if (poolAt + 4 > pool.length) {
      pool = randomBytes(4096);
      poolAt = 0;
    }
    const value = pool.readUInt32BE(poolAt) / 0x1_0000_0000;
    poolAt += 4;
    return value;
  },
  bytes: (n) => randomBytes(n),
};
