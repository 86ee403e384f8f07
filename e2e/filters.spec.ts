// The Tasks page's State and Priority filters used with the mouse, as people do: a click on an
// option's text or on the panel's empty padding keeps the panel open and the tab alive, and the
// panel closes on a click outside, on Escape and when focus leaves it by keyboard.
import type { Page } from '@playwright/test';
import { expect, test, type HostInfo } from './fixtures';
import { asAdmin, signIn } from './session';

/** Five tasks: three ready (critical, high, low), one blocked on the first, one cancelled. */
async function openTasks(page: Page, host: HostInfo): Promise<{ crashed: () => boolean }> {
  const [first, , , doomed] = (await asAdmin(page, host, [
    { name: 'tasks.create', input: { type: 'weld.seam', title: 'Weld A', priority: 'critical' } },
    { name: 'tasks.create', input: { type: 'weld.seam', title: 'Weld B', priority: 'high' } },
    { name: 'tasks.create', input: { type: 'inspect.visual', title: 'Inspect C', priority: 'low' } },
    { name: 'tasks.create', input: { type: 'inspect.visual', title: 'Inspect D', priority: 'high' } },
  ])) as Array<{ id: string }>;
  await asAdmin(page, host, [
    { name: 'tasks.create', input: { type: 'weld.seam', title: 'Weld E', dependsOn: [first!.id] } },
    { name: 'tasks.cancel', input: { id: doomed!.id, reason: 'Not needed' } },
  ]);
  let crashed = false;
  page.on('crash', () => (crashed = true));
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(page.getByRole('status', { name: 'Task count' })).toHaveText(/^5 tasks/);
  return { crashed: () => crashed };
}

test('clicking the State options’ text with the mouse picks them and keeps the panel open', async ({ page, host }) => {
  const { crashed } = await openTasks(page, host);
  const count = page.getByRole('status', { name: 'Task count' });
  const table = page.getByRole('table', { name: 'Tasks' });
  const states = page.getByRole('group', { name: 'State' });

  await page.getByText('Any state').click();
  await expect(states).toBeVisible();
  await states.getByText('Blocked', { exact: true }).click();
  await expect(states.getByRole('checkbox', { name: 'Blocked' })).toBeChecked();
  await expect(states).toBeVisible();
  await expect(count).toHaveText(/^1 task\b/);
  await states.getByText('Cancelled', { exact: true }).click();
  await expect(states.getByRole('checkbox', { name: 'Cancelled' })).toBeChecked();
  await expect(count).toHaveText(/^2 tasks/);
  await expect(table.getByRole('row', { name: /Weld E/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Inspect D/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Weld A/ })).toHaveCount(0);

  // A second click on the text takes the choice back.
  await states.getByText('Blocked', { exact: true }).click();
  await expect(states.getByRole('checkbox', { name: 'Blocked' })).not.toBeChecked();
  await expect(count).toHaveText(/^1 task\b/);

  // A click outside closes the panel and keeps the choice.
  await page.getByRole('heading', { level: 1, name: 'Tasks' }).click();
  await expect(states).toBeHidden();
  await expect(page.getByText('Cancelled', { exact: true }).first()).toBeVisible();
  await expect(count).toHaveText(/^1 task\b/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  expect(crashed()).toBe(false);
});

test('clicking the Priority options’ text with the mouse picks them; a click on the panel padding does nothing', async ({ page, host }) => {
  const { crashed } = await openTasks(page, host);
  const count = page.getByRole('status', { name: 'Task count' });
  const table = page.getByRole('table', { name: 'Tasks' });
  const priorities = page.getByRole('group', { name: 'Priority' });

  await page.getByText('Any priority').click();
  await priorities.getByText('Critical', { exact: true }).click();
  await expect(count).toHaveText(/^1 task\b/);
  await priorities.getByText('Low', { exact: true }).click();
  await expect(count).toHaveText(/^2 tasks/);
  await expect(table.getByRole('row', { name: /Weld A/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Inspect C/ })).toBeVisible();

  // The empty padding at the panel's bottom right: no option there, so nothing changes.
  const box = (await priorities.boundingBox())!;
  await page.mouse.click(box.x + box.width - 3, box.y + box.height - 3);
  await expect(priorities).toBeVisible();
  // The panel took the focus so it stays open, and shows no focus ring for a mouse press.
  expect(await priorities.evaluate((panel) => panel.matches(':focus') && !panel.matches(':focus-visible'))).toBe(true);
  await expect(priorities.getByRole('checkbox', { name: 'Critical' })).toBeChecked();
  await expect(priorities.getByRole('checkbox', { name: 'Low' })).toBeChecked();
  await expect(count).toHaveText(/^2 tasks/);

  // Choosing goes on after the padding click, then Escape closes and focus is back on the button.
  await priorities.getByText('High', { exact: true }).click();
  await expect(count).toHaveText(/^4 tasks/);
  await page.keyboard.press('Escape');
  await expect(priorities).toBeHidden();
  await expect(page.locator('summary', { hasText: '3 selected' })).toBeFocused();
  await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  expect(crashed()).toBe(false);
});

test('the filters still work from the keyboard; Tab past the last option closes the panel', async ({ page, host }) => {
  const { crashed } = await openTasks(page, host);
  const count = page.getByRole('status', { name: 'Task count' });
  const states = page.getByRole('group', { name: 'State' });

  await page.locator('summary', { hasText: 'Any state' }).focus();
  await page.keyboard.press('Enter');
  await expect(states).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(states.getByRole('checkbox', { name: 'Pending' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(states.getByRole('checkbox', { name: 'Ready' })).toBeChecked();
  await expect(count).toHaveText(/^3 tasks/);
  // Through the remaining options and the Clear button, then out of the panel.
  for (let i = 0; i < 9; i += 1) await page.keyboard.press('Tab');
  await expect(states.getByRole('button', { name: 'Clear' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(states).toBeHidden();
  await expect(count).toHaveText(/^3 tasks/);
  expect(crashed()).toBe(false);
});
