// The audit page's filters and paging cursor (UI state; the entries themselves live in react-query).
import { create } from 'zustand';
import type { AuditOutcome } from '../../../preload/contract';

export interface AuditFilters {
  action: string;
  actor: string;
  outcome: AuditOutcome | '';
  /** `yyyy-mm-dd` from a date input, local time; '' for none. */
  from: string;
  to: string;
  /** Leave out agents' claims, heartbeats and reports that went through (on at first: people's actions stand out). */
  hideAgentRoutine: boolean;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { action: '', actor: '', outcome: '', from: '', to: '', hideAgentRoutine: true };

interface AuditViewState {
  filters: AuditFilters;
  /** beforeSeq of each page opened with "Older"; empty = the newest page. */
  cursors: number[];
  setFilters(filters: AuditFilters): void;
  older(beforeSeq: number): void;
  newer(): void;
  newest(): void;
}

export const useAuditViewStore = create<AuditViewState>((set) => ({
  filters: EMPTY_AUDIT_FILTERS,
  cursors: [],
  setFilters: (filters) => set({ filters, cursors: [] }),
  older: (beforeSeq) => set((state) => ({ cursors: [...state.cursors, beforeSeq] })),
  newer: () => set((state) => ({ cursors: state.cursors.slice(0, -1) })),
  newest: () => set({ cursors: [] }),
}));
