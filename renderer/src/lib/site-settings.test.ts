// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { Settings } from '../../../preload/contract';
import { sampleSettings } from '../testing/fakes';
import { changedSettings, NUMERIC_SETTINGS, readSiteSettings, siteSettingsDraft, type NumericSettingsKey } from './site-settings';

describe('site settings form', () => {
  it('round-trips the settings through the form and sends only what changed', () => {
    const saved = sampleSettings();
    const draft = siteSettingsDraft(saved);
    expect(draft).toMatchObject({ taskRetentionDays: '7', taskAging: true, taskAgingStepMinutes: '1' });
    expect(readSiteSettings(draft)).toEqual({ settings: saved, errors: {} });
    expect(changedSettings(saved, saved)).toEqual({});

    const { settings, errors } = readSiteSettings({ ...draft, taskRetentionDays: ' 30 ', taskAging: false, taskAgingStepMinutes: '15' });
    expect(errors).toEqual({});
    expect(changedSettings(settings!, saved)).toEqual({ taskRetentionDays: 30, taskAging: false, taskAgingStepMinutes: 15 });
  });

  it.each<[NumericSettingsKey, string]>([
    ['taskRetentionDays', '0'],
    ['taskRetentionDays', '3651'],
    ['taskRetentionDays', '1.5'],
    ['taskRetentionDays', ''],
    ['taskAgingStepMinutes', '0'],
    ['taskAgingStepMinutes', '1441'],
    ['taskAgingStepMinutes', '-1'],
  ])('refuses %s = "%s" with a message on that field and nothing to send', (key, text) => {
    const { settings, errors } = readSiteSettings({ ...siteSettingsDraft(sampleSettings()), [key]: text });
    expect(settings).toBeNull();
    expect(Object.keys(errors)).toEqual([key]);
    expect(errors[key]).toMatch(/\.$/);
  });

  it('offers exactly the ranges the contract accepts', () => {
    for (const field of Object.values(NUMERIC_SETTINGS)) {
      const at = (n: number) => Settings.safeParse(sampleSettings({ [field.key]: n })).success;
      expect([at(field.min - 1), at(field.min), at(field.max), at(field.max + 1)], field.key).toEqual([false, true, true, false]);
    }
  });
});
