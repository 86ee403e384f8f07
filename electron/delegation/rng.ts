// A small seeded PRNG (xoshiro128**, seeded through splitmix32) implementing the core Random
// interface, so exploration and simulations replay exactly. Its state is four uint32s and can be
// saved and restored; fork() derives an independent stream from a label without touching this one.
import type { Random } from '../core/clock';

export type RandomState = readonly [number, number, number, number];

/** 32-bit FNV-1a over the text form of the parts: stable seeds from names and numbers. */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${part}|`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string = 1) {
    const mix = splitmix32(typeof seed === 'number' ? seed : hashSeed(seed));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  static fromState(state: RandomState): SeededRandom {
    const r = new SeededRandom(0);
    r.setState(state);
    return r;
  }

  /** Uniform uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextUint32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return out;
  }

  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** Standard normal (Box-Muller; no cached second value, so the state is just four words). */
  normal(): number {
    return normalFrom(this);
  }

  /** An independent stream named by `label`; this stream is not advanced. */
  fork(label: string | number): SeededRandom {
    return new SeededRandom(hashSeed(this.a, this.b, this.c, this.d, label));
  }

  getState(): RandomState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  setState(state: RandomState): void {
    this.a = state[0] >>> 0;
    this.b = state[1] >>> 0;
    this.c = state[2] >>> 0;
    this.d = state[3] >>> 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }
}

/** Draws a standard normal from any Random (Box-Muller, no caching). */
export function normalFrom(random: Random): number {
  let u = 0;
  while (u === 0) u = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
