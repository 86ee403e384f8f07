// React-query hooks generated from the contract: `useCall('users.list', {})` is typed end to end,
// input and output, from preload/contract.ts. Pages never touch a transport directly.
import {
  useMutation,
  useQuery,
  type UseMutationOptions,
  type UseMutationResult,
  type UseQueryOptions,
  type UseQueryResult,
} from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../preload/contract';
import type { BridgeClient } from '../bridge/bridge-client';
import type { BridgeError } from '../bridge/bridge-error';
import { callKey, type CallKey } from './call-key';

const BridgeContext = createContext<BridgeClient | null>(null);

export function BridgeProvider({ client, children }: { client: BridgeClient; children: ReactNode }) {
  return <BridgeContext.Provider value={client}>{children}</BridgeContext.Provider>;
}

export function useBridge(): BridgeClient {
  const client = useContext(BridgeContext);
  if (!client) throw new Error('useBridge() needs a <BridgeProvider>.');
  return client;
}

export type CallQueryOptions<N extends CallName> = Omit<
  UseQueryOptions<CallOutput<N>, BridgeError, CallOutput<N>, CallKey<N>>,
  'queryKey' | 'queryFn'
>;

export function useCall<N extends CallName>(
  name: N,
  input: CallInput<N>,
  options?: CallQueryOptions<N>,
): UseQueryResult<CallOutput<N>, BridgeError> {
  const client = useBridge();
  return useQuery({
    queryKey: callKey(name, input),
    queryFn: () => client.call(name, input),
    ...options,
  });
}

export type MutateCallOptions<N extends CallName> = Omit<
  UseMutationOptions<CallOutput<N>, BridgeError, CallInput<N>>,
  'mutationFn'
>;

export function useMutateCall<N extends CallName>(
  name: N,
  options?: MutateCallOptions<N>,
): UseMutationResult<CallOutput<N>, BridgeError, CallInput<N>> {
  const client = useBridge();
  return useMutation({
    mutationFn: (input: CallInput<N>) => client.call(name, input),
    ...options,
    meta: { ...options?.meta, call: name },
  });
}
