// A page that cannot be shown fails alone: the What-if page's code missing from the host (Delegate
// updated while the tab stayed open) or a page throwing while it renders leaves the shell and its
// sidebar working, says what happened and offers Reload or Try again.
import { expect, test } from './fixtures';
import { signIn } from './session';

const WHATIF_CHUNK = '**/assets/whatif-page-*.js';

test('a What-if page whose code is gone says to reload; the sidebar still works and Reload brings the page back', async ({ page, host }) => {
  await page.route(WHATIF_CHUNK, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found' }));
  await signIn(page, host.adminUsername, host.adminPassword);
  const sidebar = page.getByRole('navigation', { name: 'Main' });

  await sidebar.getByRole('link', { name: 'What if' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'This page could not be loaded.' });
  await expect(alert).toHaveText(/Delegate may have been updated: reload to get the new version\./);
  await expect(alert.getByRole('button', { name: 'Reload' })).toBeVisible();
  await expect(alert.getByRole('button', { name: 'Try again' })).toHaveCount(0);

  // The rest of the app goes on.
  await sidebar.getByRole('link', { name: 'Tasks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  await expect(alert).toHaveCount(0);

  // The new version is there now: Reload gets it, still signed in.
  await sidebar.getByRole('link', { name: 'What if' }).click();
  await expect(alert).toBeVisible();
  await page.unroute(WHATIF_CHUNK);
  await alert.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'What if' })).toBeVisible();
  await expect(alert).toHaveCount(0);
});

test('a page that throws while rendering shows its error with Try again, inside the shell', async ({ page, host }) => {
  // Stand-in for the What-if page's code: throws while the test says so, then draws a line of text.
  await page.route(WHATIF_CHUNK, (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: `export function WhatIfPage() {
        if (window.breakWhatIf) throw new Error('The chart could not be drawn.');
        return 'What-if page drawn';
      }`,
    }),
  );
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.evaluate(() => ((window as unknown as { breakWhatIf: boolean }).breakWhatIf = true));
  const sidebar = page.getByRole('navigation', { name: 'Main' });

  await sidebar.getByRole('link', { name: 'What if' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'This page stopped because of an error' });
  await expect(alert).toContainText('The chart could not be drawn.');
  await expect(alert.getByRole('button', { name: 'Reload' })).toHaveCount(0);
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(alert).toContainText('The chart could not be drawn.');

  // Going to another page and back clears the error, too.
  await sidebar.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();
  await expect(alert).toHaveCount(0);
  await sidebar.getByRole('link', { name: 'What if' }).click();
  await expect(alert).toBeVisible();

  await page.evaluate(() => ((window as unknown as { breakWhatIf: boolean }).breakWhatIf = false));
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByText('What-if page drawn')).toBeVisible();
  await expect(alert).toHaveCount(0);
});
