// Sortable ids (ULID) from the injected clock, monotonic within one millisecond.
import { monotonicFactory } from 'ulid';
import type { Clock, Random } from './clock';

export type IdFactory = () => string;

export function createIdFactory(clock: Clock, random: Random): IdFactory {
  const next = monotonicFactory(() => random.next());
  return () => next(clock.now());
}
