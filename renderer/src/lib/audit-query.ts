// From the audit page's filters (dates as local `yyyy-mm-dd`) to an `audit.list` input.
import type { CallInput } from '../../../preload/contract';
import type { AuditFilters } from '../state/audit-view-store';

export const AUDIT_PAGE_SIZE = 50;

/** Local midnight at the start of `yyyy-mm-dd`, or undefined when empty or malformed. */
export function startOfLocalDay(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const ms = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function auditListInput(filters: AuditFilters, beforeSeq: number | undefined, limit = AUDIT_PAGE_SIZE): CallInput<'audit.list'> {
  const input: CallInput<'audit.list'> = { limit };
  if (beforeSeq !== undefined) input.beforeSeq = beforeSeq;
  const action = filters.action.trim();
  const actor = filters.actor.trim();
  if (action) input.action = action.slice(0, 64);
  if (actor) input.actor = actor.slice(0, 64);
  if (filters.outcome) input.outcome = filters.outcome;
  if (filters.hideAgentRoutine) input.hideAgentRoutine = true;
  const from = startOfLocalDay(filters.from);
  if (from !== undefined) input.from = from;
  const toStart = startOfLocalDay(filters.to);
  // "To" is inclusive of the whole day chosen.
  if (toStart !== undefined) {
    const [y, m, d] = filters.to.split('-').map(Number) as [number, number, number];
    input.to = new Date(y, m - 1, d + 1).getTime() - 1;
  }
  return input;
}
