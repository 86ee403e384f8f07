// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { EMPTY_AUDIT_FILTERS } from '../state/audit-view-store';
import { auditListInput, startOfLocalDay } from './audit-query';

describe('auditListInput', () => {
  it('sends only the filters that are set', () => {
    // Agents' routine work is hidden at first: people's actions stand out.
    expect(auditListInput(EMPTY_AUDIT_FILTERS, undefined)).toEqual({ limit: 50, hideAgentRoutine: true });
    expect(auditListInput({ ...EMPTY_AUDIT_FILTERS, hideAgentRoutine: false }, undefined)).toEqual({ limit: 50 });
    expect(auditListInput({ ...EMPTY_AUDIT_FILTERS, hideAgentRoutine: false, action: ' users. ', actor: 'ada', outcome: 'forbidden' }, 120, 20)).toEqual({
      limit: 20,
      beforeSeq: 120,
      action: 'users.',
      actor: 'ada',
      outcome: 'forbidden',
    });
  });

  it('turns From and To days into local midnight and the last millisecond of the day', () => {
    const input = auditListInput({ ...EMPTY_AUDIT_FILTERS, from: '2026-03-01', to: '2026-03-02' }, undefined);
    expect(input.from).toBe(new Date(2026, 2, 1).getTime());
    expect(input.to).toBe(new Date(2026, 2, 3).getTime() - 1);
  });

  it('ignores malformed dates', () => {
    expect(startOfLocalDay('yesterday')).toBeUndefined();
    expect(auditListInput({ ...EMPTY_AUDIT_FILTERS, from: '2026-3-1' }, undefined)).toEqual({ limit: 50, hideAgentRoutine: true });
  });
});
