// The dashboard's floor at a glance against a real headless host: work by what it waits for (a
// tile opens the Tasks page filtered to it), the last hour in words and as a chart, the fleet by
// status with the agents that take no work, the waiting work no agent can take and why; it follows
// changes without a reload.
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

test('a supervisor sees the floor at a glance and opens the waiting critical work from it', async ({ page, host }) => {
  const [welder] = (await asAdmin(page, host, [
    { name: 'agents.create', input: { name: 'Welder W1', kind: 'robot', skills: { weld: 3 }, capacity: 2 } },
    { name: 'agents.create', input: { name: 'Report bot', kind: 'software', skills: { report: 2 }, capacity: 4 } },
  ])) as [{ id: string }];
  await asAdmin(page, host, [
    { name: 'agents.update', input: { id: welder.id, status: 'fault' } },
    // Nobody can paint: these wait for an agent.
    { name: 'tasks.create', input: { type: 'paint', title: 'Paint door 1', priority: 'critical', requires: { paint: 2 } } },
    { name: 'tasks.create', input: { type: 'paint', title: 'Paint door 2', requires: { paint: 2 } } },
    { name: 'tasks.create', input: { type: 'paint', title: 'Paint door 3', requires: { paint: 2 } } },
    { name: 'tasks.create', input: { type: 'report', title: 'Shift report', runAt: Date.now() + 3_600_000 } },
    { name: 'tasks.createBatch', input: { tasks: [{ type: 'weld', ref: 'w', requires: { weld: 2 } }, { type: 'inspect', dependsOnRefs: ['w'], requires: { paint: 1 } }] } },
  ]);
  await signIn(page, host.adminUsername, host.adminPassword);

  const work = page.getByRole('region', { name: 'Work now' });
  await expect(work.getByRole('link', { name: /^4 Waiting for an agent/ })).toBeVisible();
  await expect(work.getByRole('link', { name: /^1 Blocked/ })).toBeVisible();
  await expect(work.getByRole('link', { name: /^1 Starts later/ })).toBeVisible();
  await expect(work.getByRole('link', { name: /^0 Running/ })).toBeVisible();
  await expect(work.getByRole('img', { name: 'Critical 1, High 0, Normal 3, Low 0' })).toBeVisible();

  // What to act on first: work nobody could take, and work whose only agent is stopped.
  const stuck = work.getByRole('region', { name: 'Waiting work no agent can take now' });
  await expect(stuck).toContainText('No agent can take now: 4 of 4 waiting tasks');
  const items = stuck.getByRole('listitem');
  await expect(items.nth(0)).toContainText('3 × paint');
  await expect(items.nth(0)).toContainText('Nobody could take it: No agent has Paint (level 2 needed).');
  await expect(items.nth(1)).toContainText('1 × weld');
  await expect(items.nth(1)).toContainText('Welder W1: Status: fault');

  const hour = page.getByRole('region', { name: 'The last hour' });
  await expect(hour).toContainText('6 created');
  await expect(hour).toContainText('No attempt failed.');
  await expect(hour.getByRole('figure', { name: 'Tasks finished per minute over the last hour' }).getByRole('application')).toBeVisible();

  const agents = page.getByRole('region', { name: 'Agents now' });
  await expect(agents).toContainText('2 agents (1 robot, 1 software agent)');
  await expect(agents).toContainText('none of them can take work now');
  await expect(agents.getByRole('listitem').filter({ hasText: 'Welder W1' })).toContainText('Fault');
  // Available, but no program has connected with its key yet.
  await expect(agents.getByRole('listitem').filter({ hasText: 'Report bot' })).toContainText('Never connected');

  // Live: work made elsewhere shows without a reload.
  const other = await page.context().newPage();
  await asAdmin(other, host, [{ name: 'tasks.create', input: { type: 'paint', title: 'Paint door 4', priority: 'critical', requires: { paint: 2 } } }]);
  await other.close();
  await expect(work.getByRole('link', { name: /^5 Waiting for an agent/ })).toBeVisible({ timeout: 12_000 });

  await work.getByRole('link', { name: /Critical 2/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  const rows = page.getByRole('row').filter({ hasText: 'Paint door' });
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('Critical');
  await expect(page.getByText('2 tasks', { exact: false })).toBeVisible();

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
});
