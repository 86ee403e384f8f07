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

export const cryptoRandom: Random = {
  next: () => randomBytes(4).readUInt32BE(0) / 0x1_0000_0000,
  bytes: (n) => randomBytes(n),
};
