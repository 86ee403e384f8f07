// The task queue's site settings on the Settings page against a real headless host: an admin
// changes how long finished tasks are kept and turns aging off with another step (kept across a
// reload, audited); a bad value is explained and changes nothing; an operator can only read them.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
}

test('an admin changes retention and aging; they survive a reload and are audited', async ({ page, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await openSettings(page);
  const keep = page.getByLabel('Keep finished tasks (days)');
  const aging = page.getByRole('checkbox', { name: 'Aging: let waiting low-priority work move up' });
  const step = page.getByLabel('Move up one priority level every (minutes)');
  await expect(keep).toHaveValue('7');
  await expect(aging).toBeChecked();
  await expect(step).toHaveValue('1');

  await keep.fill('0');
  await step.fill('1441');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(keep).toHaveAttribute('aria-invalid', 'true');
  await expect(step).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(keep).toHaveValue('7');

  await keep.fill('30');
  await aging.uncheck();
  await step.fill('15');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  await page.reload();
  await expect(keep).toHaveValue('30');
  await expect(aging).not.toBeChecked();
  await expect(step).toHaveValue('15');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  const trail = page.getByRole('table', { name: 'Audit entries' });
  await expect(trail.getByRole('row', { name: /settings\.update/ }).filter({ hasText: 'taskRetentionDays,taskAging,taskAgingStepMinutes' })).toHaveCount(1);
});

test('an operator reads the task queue settings but cannot change them', async ({ page, host }) => {
  await asAdmin(page, host, [
    { name: 'users.create', input: { username: 'olga', displayName: 'Olga Line', role: 'operator', password: 'Olga-pass-12345' } },
    { name: 'settings.update', input: { taskRetentionDays: 14, taskAging: false } },
  ]);
  await signIn(page, 'olga', 'Olga-pass-12345');
  await openSettings(page);
  await expect(page.getByLabel('Keep finished tasks (days)')).toHaveValue('14');
  await expect(page.getByLabel('Keep finished tasks (days)')).toHaveAttribute('readonly', '');
  const aging = page.getByRole('checkbox', { name: 'Aging: let waiting low-priority work move up' });
  await expect(aging).not.toBeChecked();
  await expect(aging).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
});
