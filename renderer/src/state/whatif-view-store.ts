// The What-if page's UI state: the scenarios being built and the input of the last run (the key of
// its cached result). Kept here so leaving the page and coming back keeps the work; the results
// themselves live in react-query under that input.
import { create } from 'zustand';
import { EMPTY_WHAT_IF, type SimulateRequest, type WhatIfDraft } from '../lib/scenario';

interface WhatIfViewState {
  draft: WhatIfDraft;
  /** What Run last sent; null before the first run. */
  lastRun: SimulateRequest | null;
  setDraft(update: (draft: WhatIfDraft) => WhatIfDraft): void;
  run(input: SimulateRequest): void;
  reset(): void;
}

export const useWhatIfViewStore = create<WhatIfViewState>((set) => ({
  draft: EMPTY_WHAT_IF,
  lastRun: null,
  setDraft: (update) => set((state) => ({ draft: update(state.draft) })),
  run: (input) => set({ lastRun: input }),
  reset: () => set({ draft: EMPTY_WHAT_IF, lastRun: null }),
}));
