// An audit outcome as a coloured badge: ok green, refusals amber, failures red.
import type { AuditOutcome } from '../../../preload/contract';
import { Badge, type BadgeTone } from './badge';

const TONES: Record<AuditOutcome, BadgeTone> = {
  ok: 'ok',
  invalid_input: 'warn',
  unauthenticated: 'warn',
  forbidden: 'warn',
  not_found: 'neutral',
  conflict: 'warn',
  unavailable: 'danger',
  internal: 'danger',
};

export const OUTCOME_LABELS: Record<AuditOutcome, string> = {
  ok: 'OK',
  invalid_input: 'Invalid input',
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  unavailable: 'Unavailable',
  internal: 'Internal error',
};

export function OutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  return <Badge tone={TONES[outcome]}>{OUTCOME_LABELS[outcome]}</Badge>;
}
