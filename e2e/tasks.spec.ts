// The Tasks page against a real headless host: create a task in the dialog, follow it in the
// table, open the drawer and cancel it (live in another browser), the drawer's attempts of a task
// an agent ran through the gateway, what cancelling says in each state, import a CSV, filter and
// search, and what an operator may not do.
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

const user = (username: string, role: string) => ({
  name: 'users.create',
  input: { username, displayName: `${username[0]!.toUpperCase()}${username.slice(1)} Line`, role, password: `${username}-pass-12345` },
});

test('a supervisor creates a task, opens it and cancels it; an operator watching sees it live and cannot act', async ({ page, browser, host }) => {
  await asAdmin(page, host, [user('sam', 'supervisor'), user('olga', 'operator')]);

  // The operator watches the task list in another browser, signed in before anything exists.
  const other = await browser.newContext({ baseURL: host.url });
  const operator = await other.newPage();
  await signIn(operator, 'olga', 'olga-pass-12345');
  await operator.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(operator.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  await expect(operator.getByText('No tasks yet.')).toBeVisible();
  await expect(operator.getByRole('button', { name: 'New task' })).toHaveCount(0);
  await expect(operator.getByRole('button', { name: 'Import…' })).toHaveCount(0);
  await operator.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await expect(dialog.getByLabel('Type')).toBeFocused();
  // The contract's messages show before anything is sent.
  await dialog.getByLabel('Payload (JSON)').fill('{ "program": ');
  await dialog.getByLabel('Required skills').fill('weld:9');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog.getByText('Required.')).toBeVisible();
  await expect(dialog.getByText(/^Not valid JSON/)).toBeVisible();
  await expect(dialog.getByText('“weld:9”: the level must be a whole number from 1 to 5.')).toBeVisible();
  await expect(dialog.getByLabel('Type')).toBeFocused();

  await dialog.getByLabel('Type').fill('weld.seam');
  await dialog.getByLabel('Title').fill('Weld seam A-12');
  await dialog.getByLabel('Priority').selectOption('high');
  await dialog.getByLabel('Payload (JSON)').fill('{ "program": "P-12", "part": "A-12" }');
  await dialog.getByLabel('Required skills').fill('weld:3, inspect:2');
  await dialog.getByLabel('Tags').fill('line-4, night');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Task “Weld seam A-12” was created.' })).toBeVisible();

  const table = page.getByRole('table', { name: 'Tasks' });
  const row = table.getByRole('row', { name: /Weld seam A-12/ });
  await expect(row).toContainText('Ready');
  await expect(row).toContainText('High');
  await expect(row).toContainText('weld.seam');
  await expect(row).toContainText('0/3');
  await expect(row).toContainText('line-4');
  await expect(page.getByRole('status', { name: 'Task count' })).toHaveText(/1 task/);

  // Pushed to the operator by task.created, no reload.
  const watched = operator.getByRole('table', { name: 'Tasks' }).getByRole('row', { name: /Weld seam A-12/ });
  await expect(watched).toContainText('Ready');

  await row.getByRole('button', { name: 'Weld seam A-12' }).click();
  const drawer = page.getByRole('dialog', { name: 'Weld seam A-12' });
  await expect(drawer.getByRole('region', { name: 'Payload' })).toContainText('"program": "P-12"');
  await expect(drawer.getByRole('region', { name: 'Details' })).toContainText('weld:3, inspect:2');
  await expect(drawer.getByRole('region', { name: 'Timeline' })).toContainText('Created: Ready');
  await expect(drawer.getByRole('button', { name: 'Retry now' })).toBeDisabled();

  await drawer.getByRole('button', { name: 'Cancel task…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel task' });
  await confirm.getByRole('button', { name: 'Cancel task' }).click();
  await expect(confirm.getByText('Required.')).toBeVisible();
  await confirm.getByLabel('Reason').fill('Wrong part on the fixture');
  await confirm.getByRole('button', { name: 'Cancel task' }).click();
  await expect(confirm).toBeHidden();
  await expect(drawer.getByText('The task is cancelled.')).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Timeline' })).toContainText('Ready → to Cancelled');
  await expect(drawer.getByRole('region', { name: 'Timeline' })).toContainText('Wrong part on the fixture');
  await expect(drawer.getByRole('button', { name: 'Cancel task…' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(row).toContainText('Cancelled');

  // The operator's row turned cancelled by task.updated; the drawer there offers no actions.
  await expect(watched).toContainText('Cancelled');
  expect(await operator.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  await watched.getByRole('button', { name: 'Weld seam A-12' }).click();
  const operatorDrawer = operator.getByRole('dialog', { name: 'Weld seam A-12' });
  await expect(operatorDrawer.getByRole('region', { name: 'Timeline' })).toContainText('Wrong part on the fixture');
  await expect(operatorDrawer.getByRole('region', { name: 'Actions' })).toHaveCount(0);
  await expect(operatorDrawer.getByRole('button', { name: 'Cancel task…' })).toHaveCount(0);
  await other.close();
});

test('the drawer lists every attempt, newest first, and the cancel dialog says what cancelling does for a running and an offered task', async ({ page, host }) => {
  const [, welder, weld] = (await asAdmin(page, host, [
    user('sam', 'supervisor'),
    { name: 'agents.create', input: { name: 'Welder W1', kind: 'robot', skills: { weld: 3 }, capacity: 1 } },
    { name: 'tasks.create', input: { type: 'weld.seam', title: 'Weld seam B-7', requires: { weld: 3 } } },
    // A person who said she is available is offered the inspection at once.
    { name: 'agents.create', input: { name: 'Ann Weber', kind: 'human', skills: { inspect: 2 }, capacity: 2, presence: 'available' } },
    { name: 'tasks.create', input: { type: 'weld.inspect', title: 'Inspect frame 9', requires: { inspect: 2 } } },
  ])) as [unknown, { id: string }, { id: string }];
  const [{ secret }] = (await asAdmin(page, host, [{ name: 'agents.createKey', input: { agentId: welder.id, scopes: ['agent'] } }])) as [{ secret: string }];
  await expect.poll(() => /gateway listening on (http:\/\/\S+)/.exec(host.output())?.[1]).toBeTruthy();
  const gateway = /gateway listening on (http:\/\/\S+)/.exec(host.output())![1]!;
  // The welder, as a program would be: over the gateway.
  const agent = async (path: string, body: unknown) => {
    const res = await fetch(`${gateway}${path}`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return (await res.json()) as { tasks?: { id: string; attempt: number }[] };
  };
  expect((await agent('/v1/claim', { max: 1 })).tasks).toMatchObject([{ id: weld.id, attempt: 1 }]);
  await agent(`/v1/tasks/${weld.id}/fail`, { attempt: 1, error: { message: 'Torch misfire', code: 'torch' }, retryable: false });
  await asAdmin(page, host, [{ name: 'tasks.retryNow', input: { id: weld.id } }]);
  expect((await agent('/v1/claim', { max: 1 })).tasks).toMatchObject([{ id: weld.id, attempt: 2 }]);

  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  const table = page.getByRole('table', { name: 'Tasks' });
  await table.getByRole('row', { name: /Weld seam B-7/ }).getByRole('button', { name: 'Weld seam B-7' }).click();
  const drawer = page.getByRole('dialog', { name: 'Weld seam B-7' });
  const attempts = drawer.getByRole('region', { name: 'Attempts' });
  await expect(attempts.getByRole('heading')).toHaveText('Attempts (2)');
  const rows = attempts.getByRole('table', { name: 'Attempts' }).getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1).getByRole('cell').first()).toHaveText('2');
  await expect(rows.nth(1)).toContainText('Welder W1');
  await expect(rows.nth(1)).toContainText('Running');
  await expect(rows.nth(2).getByRole('cell').first()).toHaveText('1');
  await expect(rows.nth(2)).toContainText('Failed');
  await expect(rows.nth(2)).toContainText('Task dead');
  await expect(rows.nth(2)).toContainText('Torch misfire');
  await expect(rows.nth(2)).toContainText('the error is not retryable');
  // Readable at 1366x768: the table fits the drawer.
  expect(await attempts.evaluate((section) => section.scrollWidth - section.clientWidth)).toBe(0);

  await drawer.getByRole('button', { name: 'Cancel task…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel task' });
  await expect(confirm).toContainText('“Weld seam B-7” is running on Welder W1: it is asked to stop');
  await confirm.getByRole('button', { name: 'Keep task' }).click();
  await expect(confirm).toBeHidden();

  // The attempt ends while the drawer is open: the row follows.
  await agent(`/v1/tasks/${weld.id}/complete`, { attempt: 2, result: { seam: 'ok' } });
  await expect(rows.nth(1)).toContainText('Succeeded');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  const inspect = table.getByRole('row', { name: /Inspect frame 9/ });
  await expect(inspect).toContainText('Assigned');
  await inspect.getByRole('button', { name: 'Inspect frame 9' }).click();
  const offered = page.getByRole('dialog', { name: 'Inspect frame 9' });
  await expect(offered.getByRole('region', { name: 'Attempts' })).toContainText('Not started yet');
  await offered.getByRole('button', { name: 'Cancel task…' }).click();
  await expect(confirm).toContainText('“Inspect frame 9” is offered to Ann Weber but not started: the offer is withdrawn and the task is cancelled at once.');
  await expect(confirm).not.toContainText('asked to stop');
  await confirm.getByLabel('Reason').fill('Frame scrapped');
  await confirm.getByRole('button', { name: 'Cancel task' }).click();
  await expect(offered.getByText('The task is cancelled.')).toBeVisible();
});

test('importing a CSV previews every row, refuses a bad file, and creates the rows in one batch', async ({ page, host }) => {
  await asAdmin(page, host, [user('sam', 'supervisor')]);
  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import tasks' });
  await expect(dialog.getByRole('table', { name: 'CSV columns' })).toContainText('depends_on_refs');
  const file = dialog.getByLabel('Task file (CSV or JSON)');

  await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('type,priority\nweld.seam,urgent\n,low\n') });
  await expect(dialog.getByRole('status')).toHaveText(/bad\.csv: 2 tasks read · 2 with errors/);
  await expect(dialog.getByRole('table', { name: 'Tasks to import' })).toContainText('type: required.');
  await expect(dialog.getByRole('button', { name: 'Create tasks' })).toBeDisabled();

  const csv = [
    'type,title,priority,payload,requires,tags,ref,depends_on_refs',
    'weld.seam,Weld frame 7,critical,"{""program"":""P-7""}",weld:3,line-4,weld-7,',
    'inspect.visual,Inspect frame 7,normal,,inspect:2,line-4;qa,,weld-7',
    'report.shift,Shift report,low,,,,,',
  ].join('\n');
  await file.setInputFiles({ name: 'frames.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(dialog.getByRole('status')).toHaveText(/frames\.csv: 3 tasks read · all valid/);
  await dialog.getByRole('button', { name: 'Create 3 tasks' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('3 tasks were created.')).toBeVisible();

  const table = page.getByRole('table', { name: 'Tasks' });
  await expect(table.getByRole('row', { name: /Weld frame 7/ })).toContainText('Critical');
  await expect(table.getByRole('row', { name: /Shift report/ })).toContainText('Low');
  // The dependency from the batch's ref: the inspection waits for the weld.
  const inspect = table.getByRole('row', { name: /Inspect frame 7/ });
  await expect(inspect).toContainText('Blocked');
  await inspect.getByRole('button', { name: 'Inspect frame 7' }).click();
  const drawer = page.getByRole('dialog', { name: 'Inspect frame 7' });
  await drawer.getByRole('list', { name: 'Dependencies' }).getByRole('button', { name: 'Weld frame 7' }).click();
  await expect(page.getByRole('dialog', { name: 'Weld frame 7' }).getByRole('list', { name: 'Dependent tasks' })).toContainText('Inspect frame 7');
  await page.keyboard.press('Escape');

  // A batch the host refuses (a dependency on a task that does not exist): nothing is created.
  await page.getByRole('button', { name: 'Import…' }).click();
  await file.setInputFiles({ name: 'deps.csv', mimeType: 'text/csv', buffer: Buffer.from('type,depends_on\nweld.seam,01HZX3K5V8Q2W7N4M6P9R0T1YB\n') });
  await dialog.getByRole('button', { name: 'Create 1 task' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Unknown dependencies');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('status', { name: 'Task count' })).toHaveText(/^3 tasks/);
});

test('filters, search and sort narrow the list; the filters are kept when coming back', async ({ page, host }) => {
  const tasks = Array.from({ length: 30 }, (_, i) => ({
    type: i % 3 === 0 ? 'weld.seam' : 'inspect.visual',
    title: `Part ${String(i + 1).padStart(2, '0')}`,
    priority: i % 5 === 0 ? 'critical' : 'normal',
    tags: i % 2 === 0 ? ['even'] : ['odd'],
  }));
  await asAdmin(page, host, [{ name: 'tasks.createBatch', input: { tasks } }]);
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  const count = page.getByRole('status', { name: 'Task count' });
  const table = page.getByRole('table', { name: 'Tasks' });
  await expect(count).toHaveText(/^30 tasks/);
  await expect(table.getByRole('row').nth(1)).toContainText('Part 30');

  await page.getByText('Any priority').click();
  await page.getByRole('group', { name: 'Priority' }).getByLabel('Critical').check();
  await page.keyboard.press('Escape');
  await expect(count).toHaveText(/^6 tasks/);
  await page.getByLabel('Type').fill('weld.seam');
  await expect(count).toHaveText(/^2 tasks/);
  await page.getByLabel('Tag').fill('even');
  await expect(count).toHaveText(/^2 tasks/);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(count).toHaveText(/^30 tasks/);

  await page.getByLabel('Search').fill('part 0');
  await expect(count).toHaveText(/^9 tasks/);
  await page.getByLabel('Sort').selectOption({ label: 'Oldest first' });
  await expect(table.getByRole('row').nth(1)).toContainText('Part 01');
  await expect(table.getByRole('columnheader', { name: /Created/ })).toHaveAttribute('aria-sort', 'ascending');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(page.getByLabel('Search')).toHaveValue('part 0');
  await expect(count).toHaveText(/^9 tasks/);

  // Keyboard: Down moves from row to row.
  await table.getByRole('button', { name: 'Part 01' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(table.getByRole('button', { name: 'Part 02' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Part 02' })).toBeVisible();

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
});
