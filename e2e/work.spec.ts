// My work against a real headless host: a person linked to their account sees the tasks offered to
// them live, accepts, starts and finishes one with a note, hands another back with a reason, and
// says they are on a break; someone not set up as a person is told so.
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

test('a person accepts, starts and finishes a task in My work, hands one back, and takes a break', async ({ page, browser, host }) => {
  const [olga] = (await asAdmin(page, host, [
    { name: 'users.create', input: { username: 'olga', displayName: 'Olga Line', role: 'operator', password: 'olga-pass-12345' } },
  ])) as Array<{ id: string }>;
  await asAdmin(page, host, [
    { name: 'agents.create', input: { name: 'Olga Line', kind: 'human', skills: { inspect: 3 }, capacity: 2, userId: olga!.id, presence: 'available' } },
  ]);

  await signIn(page, 'olga', 'olga-pass-12345');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'My work' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My work' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Available' })).toBeChecked();
  const inbox = page.getByRole('region', { name: 'Inbox' });
  await expect(inbox).toContainText('Nothing for you right now.');

  // Work arrives while the page is open: offered by the engine, pushed by events.
  const other = await browser.newContext({ baseURL: host.url });
  const admin = await other.newPage();
  await asAdmin(admin, host, [
    { name: 'tasks.create', input: { type: 'inspect.visual', title: 'Visual check batch 88', requires: { inspect: 2 }, priority: 'high' } },
    { name: 'tasks.create', input: { type: 'inspect.visual', title: 'Visual check batch 89', requires: { inspect: 2 } } },
  ]);
  const first = inbox.getByRole('listitem', { name: 'Visual check batch 88' });
  await expect(first).toContainText('Offered to you');
  await expect(first).toContainText(/left to accept/);
  await expect(first).toContainText(/Why you: Olga Line was chosen/);
  await expect(first).not.toContainText('Started');
  // Both offered: Olga holds 2 of 2, so available or not, no more work comes.
  await expect(inbox.getByRole('listitem', { name: 'Visual check batch 89' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Presence' })).toContainText('You have as much work as you can hold (2 of 2)');

  await first.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You accepted “Visual check batch 88”.' })).toBeVisible();
  await expect(first).toContainText('Accepted');
  await expect(first.getByRole('button', { name: 'Accept' })).toHaveCount(0);
  await first.getByRole('button', { name: 'Start' }).click();
  await expect(first).toContainText('In progress');
  await expect(first).toContainText('Started');
  await first.getByRole('button', { name: 'Done…' }).click();
  const done = page.getByRole('dialog', { name: 'Mark as done' });
  await expect(done.getByLabel('Result note')).toBeFocused();
  await done.getByLabel('Result note').fill('No cracks found');
  await done.getByRole('button', { name: 'Mark done' }).click();
  await expect(done).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: '“Visual check batch 88” is done.' })).toBeVisible();
  await expect(first).toHaveCount(0);

  const second = inbox.getByRole('listitem', { name: 'Visual check batch 89' });
  await second.getByRole('button', { name: 'Can’t do…' }).click();
  const decline = page.getByRole('dialog', { name: 'Can’t do this task' });
  await decline.getByRole('button', { name: 'Hand it back' }).click();
  await expect(decline.getByText('Required.')).toBeVisible();
  await decline.getByLabel('Reason').fill('Magnifier broken');
  await decline.getByRole('button', { name: 'Hand it back' }).click();
  await expect(decline).toBeHidden();
  await expect(second).toHaveCount(0);
  await expect(inbox).toContainText('Nothing for you right now.');

  await page.getByRole('radio', { name: 'On break' }).check();
  await expect(page.getByRole('radio', { name: 'On break' })).toBeChecked();
  await page.reload();
  await expect(page.getByRole('radio', { name: 'On break' })).toBeChecked();
  await other.close();
});

test('someone not set up as a person agent has no My work entry and is told why', async ({ page, host }) => {
  await asAdmin(page, host, [{ name: 'users.create', input: { username: 'sam', displayName: 'Sam Shift', role: 'supervisor', password: 'sam-pass-12345' } }]);
  await signIn(page, 'sam', 'sam-pass-12345');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My work' })).toHaveCount(0);
  await page.goto('/#/work');
  await expect(page.getByRole('heading', { name: 'You are not set up as a person agent' })).toBeVisible();
  await expect(page.getByText(/ask an engineer or an\s+administrator/)).toBeVisible();
});
