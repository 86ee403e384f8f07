// Audit trail reading and verification, site settings, system information.
import type { Settings, SystemInfo } from '../../preload/contract';
import type { HandlersFor } from '../bridge/types';
import type { EventBus } from '../core/events';
import type { AuditLog } from '../security/audit-log';
import type { SettingsService } from '../settings';

export function auditHandlers(deps: { audit: AuditLog }): HandlersFor<'audit'> {
  return {
    'audit.list': (input) => deps.audit.list(input),
    'audit.verify': () => deps.audit.verify(),
  };
}

export function settingsHandlers(deps: {
  settings: SettingsService;
  bus: EventBus;
  /** Puts the new values to work (the queue's aging) in the same transaction as the change and its audit row. */
  apply?: (next: Settings) => void;
}): HandlersFor<'settings'> {
  return {
    'settings.get': () => deps.settings.get(),
    'settings.update': (input, ctx) =>
      ctx.commit(
        () => {
          const next = deps.settings.update(input, ctx.actor?.id ?? null);
          deps.apply?.(next);
          deps.bus.emit('settings.changed', next);
          return next;
        },
        { target: Object.keys(input).join(',') || null },
      ),
  };
}

export function systemHandlers(deps: { info: () => SystemInfo }): HandlersFor<'system'> {
  return { 'system.info': () => deps.info() };
}
