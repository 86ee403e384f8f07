// Query keys are `[callName, input]`, so invalidating `[callName]` reaches every input of a call.
import type { CallInput, CallName } from '../../../preload/contract';

export type CallKey<N extends CallName> = readonly [N, CallInput<N>];

export function callKey<N extends CallName>(name: N, input: CallInput<N>): CallKey<N> {
  return [name, input] as const;
}

/** Key of a cursor-paged (infinite) query of a call: the same prefix, so `[callName]` reaches it too. */
export type CallPagesKey<N extends CallName> = readonly [N, CallInput<N>, 'pages'];

export function callPagesKey<N extends CallName>(name: N, input: CallInput<N>): CallPagesKey<N> {
  return [name, input, 'pages'] as const;
}
