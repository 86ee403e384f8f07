// The Settings page's site settings form: values as people type them (strings; aging is a
// checkbox) -> the settings.update input holding only what changed, with one message per field.
// Pure, so it is tested in node.
import { Settings } from '../../../preload/contract';
import { fieldErrors, type FieldErrors } from './form';

export type SettingsKey = keyof Settings;
export type NumericSettingsKey = { [K in SettingsKey]: Settings[K] extends number ? K : never }[SettingsKey];
export type SiteSettingsDraft = { [K in SettingsKey]: Settings[K] extends boolean ? boolean : string };

export interface NumericSettingsField {
  key: NumericSettingsKey;
  label: string;
  hint: string;
  min: number;
  max: number;
}

/** The whole-number settings, with the ranges the contract allows (the tests hold them to it). */
export const NUMERIC_SETTINGS: Readonly<Record<NumericSettingsKey, NumericSettingsField>> = {
  sessionIdleLockMinutes: { key: 'sessionIdleLockMinutes', label: 'Lock screen after idle (minutes)', hint: 'No keyboard or mouse use; 1 to 240.', min: 1, max: 240 },
  sessionMaxHours: { key: 'sessionMaxHours', label: 'Longest session (hours)', hint: 'Then sign in again; 1 to 72.', min: 1, max: 72 },
  lockoutThreshold: { key: 'lockoutThreshold', label: 'Failed sign-ins before lockout', hint: '3 to 20 attempts.', min: 3, max: 20 },
  lockoutMinutes: { key: 'lockoutMinutes', label: 'Lockout duration (minutes)', hint: '1 to 1440.', min: 1, max: 1440 },
  taskRetentionDays: {
    key: 'taskRetentionDays',
    label: 'Keep finished tasks (days)',
    hint: 'Older finished tasks are added to the daily totals, then deleted; 1 to 3650.',
    min: 1,
    max: 3650,
  },
  taskAgingStepMinutes: {
    key: 'taskAgingStepMinutes',
    label: 'Move up one priority level every (minutes)',
    hint: 'While aging is on. Low work overtakes newly arrived critical work after three steps; 1 to 1440.',
    min: 1,
    max: 1440,
  },
};

export function siteSettingsDraft(settings: Settings): SiteSettingsDraft {
  const draft: Record<string, string | boolean> = { siteName: settings.siteName, taskAging: settings.taskAging };
  for (const key of Object.keys(NUMERIC_SETTINGS) as NumericSettingsKey[]) draft[key] = String(settings[key]);
  return draft as SiteSettingsDraft;
}

/** The form -> the settings it describes, or the messages per field (nothing is sent then). */
export function readSiteSettings(draft: SiteSettingsDraft): { settings: Settings | null; errors: FieldErrors<SettingsKey> } {
  const values: Record<string, unknown> = { ...draft };
  const errors: FieldErrors<SettingsKey> = {};
  for (const key of Object.keys(NUMERIC_SETTINGS) as NumericSettingsKey[]) {
    const text = draft[key].trim();
    if (!/^\d+$/.test(text)) errors[key] = 'Enter a whole number.';
    else values[key] = Number(text);
  }
  const all = { ...fieldErrors<SettingsKey>(Settings, values), ...errors };
  if (Object.keys(all).length > 0) return { settings: null, errors: all };
  return { settings: Settings.parse(values), errors: {} };
}

/** Only the settings that differ from the saved ones: the audit row names exactly what changed. */
export function changedSettings(next: Settings, saved: Settings): Partial<Settings> {
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as SettingsKey[]) {
    if (next[key] !== saved[key]) changes[key] = next[key];
  }
  return changes as Partial<Settings>;
}
