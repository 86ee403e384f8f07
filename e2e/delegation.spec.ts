// Delegation in the renderer against a real headless host: "Why this agent?" and "Why not …?" on a
// task the engine assigned (and, asked for, "as of now" for an agent the record does not list),
// excluding the chosen agent by hand, the learned profile on the Agents page, the classifier's
// suggestion in the New task dialog (and the correction it learns from), and the What-if page
// comparing scenarios with charts.
import { expect, test } from './fixtures';
import { asAdmin, connectAgent, signIn } from './session';

const supervisor = { name: 'users.create', input: { username: 'sam', displayName: 'Sam Shift', role: 'supervisor', password: 'sam-pass-12345' } };

/** People who said they are available are offered work at once (no gateway needed). */
const person = (name: string, skills: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  name: 'agents.create',
  input: { name, kind: 'human', skills, capacity: 2, presence: 'available', ...extra },
});

test('a supervisor sees why a task went to its agent and why not to the others, and excludes the chosen one', async ({ page, host }) => {
  await asAdmin(page, host, [
    supervisor,
    person('Ann Weber', { inspect: 2, weld: 1 }, { zone: 'Station 3', costPerHour: 30 }),
    person('Cara Diaz', { inspect: 4, weld: 2 }, { zone: 'Station 5', costPerHour: 55 }),
    { name: 'agents.create', input: { name: 'Painter P1', kind: 'robot', skills: { paint: 3 } } },
    { name: 'tasks.create', input: { type: 'weld.inspect', title: 'Inspect weld seam on frame 12', requires: { inspect: 2 } } },
  ]);

  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  const row = page.getByRole('table', { name: 'Tasks' }).getByRole('row', { name: /Inspect weld seam on frame 12/ });
  await expect(row).toContainText('Assigned');
  // An agent added after the decision: the record does not list it, so the drawer asks the host now.
  const adminPage = await page.context().browser()!.newPage({ baseURL: host.url });
  await asAdmin(adminPage, host, [{ name: 'agents.create', input: { name: 'Welder R7', kind: 'robot', skills: { weld: 3 } } }]);
  await adminPage.close();
  await row.getByRole('button', { name: 'Inspect weld seam on frame 12' }).click();
  const drawer = page.getByRole('dialog', { name: 'Inspect weld seam on frame 12' });

  const why = drawer.getByRole('region', { name: 'Why this agent?' });
  await expect(why).toContainText('Chosen by the engine');
  await expect(why).toContainText(/(Ann Weber|Cara Diaz) was chosen with a score of/);
  const winner = (await why.locator('.why__winner').textContent())!.trim();
  const other = winner === 'Ann Weber' ? 'Cara Diaz' : 'Ann Weber';
  const scores = why.getByRole('table', { name: 'Score components' });
  await expect(scores.getByRole('columnheader', { name: winner })).toBeVisible();
  await expect(scores.getByRole('columnheader', { name: `${other} (runner-up)` })).toBeVisible();
  await expect(scores.getByRole('rowheader', { name: 'Predicted success' })).toBeVisible();
  await expect(scores.getByRole('rowheader', { name: 'Total' })).toBeVisible();

  const whyNot = drawer.getByRole('region', { name: 'Why not the others?' });
  const others = whyNot.getByRole('list', { name: 'Other agents' });
  // Two others fit without folding the list away.
  await expect(others.getByRole('listitem', { name: `Why not ${other}?` })).toContainText('Lower score');
  await expect(others.getByRole('listitem', { name: 'Why not Painter P1?' })).toContainText('Could not take it');
  await expect(others.getByRole('listitem', { name: 'Why not Painter P1?' })).toContainText(/Inspect/);

  // Ask about an agent the record does not list: answered as of now, labelled so.
  const ask = whyNot.getByLabel('Ask about another agent');
  await expect(ask.locator('option').filter({ hasText: /^Welder R7 · robot/ })).toHaveCount(1);
  await expect(ask.locator('option').filter({ hasText: /^(Ann Weber|Cara Diaz|Painter P1) / })).toHaveCount(0);
  await ask.selectOption({ label: (await ask.locator('option').filter({ hasText: /^Welder R7 · robot/ }).textContent())! });
  await whyNot.getByRole('button', { name: 'Ask', exact: true }).click();
  const now = whyNot.getByRole('region', { name: 'Why not Welder R7? (as of now)' });
  await expect(now).toContainText(/^As of now \(the decision was made at .+\)/);
  await expect(now).toContainText('Could not take it');
  await expect(now.getByRole('listitem')).toHaveText(['Not connected yet (never heard from)', 'No Inspect skill (required level 2)']);

  // By hand: keep the chosen agent off the task; the engine chooses again, and says so.
  await why.getByRole('button', { name: 'Exclude agent…' }).click();
  const exclude = page.getByRole('dialog', { name: 'Exclude agent' });
  await expect(exclude.getByLabel('Agent')).toBeFocused();
  await exclude.getByRole('button', { name: 'Exclude agent' }).click();
  await expect(exclude.getByText('Choose an agent.')).toBeVisible();
  await expect(exclude.getByText('Required.')).toBeVisible();
  const option = exclude.getByLabel('Agent').locator('option').filter({ hasText: new RegExp(`^${winner} · person`) });
  await exclude.getByLabel('Agent').selectOption((await option.getAttribute('value'))!);
  await exclude.getByLabel('Reason').fill('Torch being serviced');
  await exclude.getByRole('button', { name: 'Exclude agent' }).click();
  await expect(exclude).toBeHidden();
  await expect(why.getByRole('status')).toHaveText(`${winner} is excluded from this task.`);
  await expect(why.getByRole('list', { name: 'Kept off this task' })).toContainText(`${winner}: Torch being serviced`);
  await expect(why.locator('.why__winner')).toHaveText(other);
  await expect(others.getByRole('listitem', { name: `Why not ${winner}?` })).toBeVisible();
});

test('the Agents page shows what the engine learned about an agent, and the new agent fields', async ({ page, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('button', { name: 'New agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  await dialog.getByLabel('Name').fill('Ann Weber');
  await dialog.getByLabel('Kind').selectOption('human');
  await dialog.getByLabel('Skills').fill('inspect:3');
  await dialog.getByLabel('Zone or station').fill('Station 3');
  await dialog.getByLabel('Cost per hour').fill('cheap');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog.getByText('Enter an amount, e.g. 42.50.')).toBeVisible();
  await dialog.getByLabel('Cost per hour').fill('42.50');
  await dialog.getByLabel('Certifications').fill('forklift until 2030-03-31; first-aid');
  // Availability, window by window: a weekday shift and a daily break.
  await dialog.getByRole('button', { name: 'Add window' }).click();
  const shift = dialog.getByRole('group', { name: 'Window 1' });
  await shift.getByLabel('Kind', { exact: true }).selectOption('shift');
  await shift.getByLabel('From', { exact: true }).fill('06:00');
  await shift.getByLabel('To', { exact: true }).fill('14:00');
  await shift.getByLabel('Days', { exact: true }).fill('Mon-Fri');
  await dialog.getByRole('button', { name: 'Add window' }).click();
  const pause = dialog.getByRole('group', { name: 'Window 2' });
  await pause.getByLabel('Kind', { exact: true }).selectOption('break');
  await pause.getByLabel('From', { exact: true }).fill('10:00');
  await pause.getByLabel('To', { exact: true }).fill('10:15');
  await expect(dialog.getByLabel('Linked user account')).toHaveValue('');
  await dialog.getByLabel('Presence').selectOption('away');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Ann Weber/ });
  await expect(row).toContainText('Station 3');
  await expect(row).toContainText('Away');
  await row.getByRole('button', { name: 'Profile of Ann Weber' }).click();
  const profile = page.getByRole('dialog', { name: 'Profile of Ann Weber' });
  const details = profile.getByRole('region', { name: 'Agent details' });
  await expect(details).toContainText('42.50');
  await expect(details).toContainText('forklift');
  await expect(details).toContainText('Shift 06:00–14:00 Mon-Fri');
  await expect(details).toContainText('Break 10:00–10:15');
  await expect(profile.getByRole('region', { name: 'Learned record' })).toContainText('Outcomes seen');
  await expect(profile.getByRole('region', { name: 'Learned per task type' })).toContainText('No outcomes yet');
  await page.keyboard.press('Escape');
  await expect(profile).toBeHidden();

  await row.getByRole('button', { name: 'Edit Ann Weber' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Ann Weber' });
  await expect(edit.getByRole('group', { name: 'Window 1' }).getByLabel('From', { exact: true })).toHaveValue('06:00');
  await expect(edit.getByRole('group', { name: 'Window 1' }).getByLabel('Days', { exact: true })).toHaveValue('Mon-Fri');
  await expect(edit.getByRole('group', { name: 'Window 2' }).getByLabel('Kind', { exact: true })).toHaveValue('break');
  await expect(edit.getByLabel('Certifications')).toHaveValue('forklift until 2030-03-31; first-aid');
});

test('the New task dialog suggests a type and skills from the description, and a changed suggestion teaches the classifier', async ({ page, host }) => {
  const history = Array.from({ length: 6 }, (_, i) => ({
    name: 'tasks.create',
    input:
      i % 2 === 0
        ? { type: 'weld.inspect', title: `Re-inspect weld seam on part ${4700 + i}`, requires: { inspect: 2 } }
        : { type: 'paint.coat', title: `Prime and paint door panel ${i}`, requires: { paint: 2 } },
  }));
  await asAdmin(page, host, history);
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await expect(dialog.getByLabel('Type')).toBeFocused();
  await dialog.getByLabel('Describe the work').fill('re-inspect the weld seam on part 4711');
  const suggestion = dialog.getByRole('region', { name: 'Suggestion' });
  await expect(suggestion).toContainText('weld.inspect');
  await expect(suggestion).toContainText(/confidence · \d+%/);
  // Nothing is marked wrong for having passed the empty Type field on the way.
  await expect(dialog.getByText('Required.')).toHaveCount(0);
  await suggestion.getByRole('button', { name: 'Use suggestion' }).click();
  await expect(dialog.getByLabel('Type')).toHaveValue('weld.inspect');
  await expect(dialog.getByLabel('Required skills')).toHaveValue(/inspect:2/);
  await expect(dialog.getByLabel('Title')).toHaveValue('re-inspect the weld seam on part 4711');
  await expect(suggestion.getByRole('button', { name: 'Suggestion applied' })).toBeDisabled();

  // The supervisor knows better: another type. Creating the task teaches the classifier.
  await dialog.getByLabel('Type').fill('weld.reinspect');
  await expect(suggestion.getByRole('button', { name: 'Use suggestion' })).toBeEnabled();
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('table', { name: 'Audit entries' }).getByRole('row', { name: /delegation\.correct/ })).toHaveCount(1);
});

test('the What if page compares scenarios over a CSV of tasks and draws the charts', async ({ page, host }) => {
  const [, welder] = (await asAdmin(page, host, [
    supervisor,
    { name: 'agents.create', input: { name: 'Welder R2', kind: 'robot', skills: { weld: 4 }, capacity: 1 } },
    person('Ann Weber', { weld: 2, inspect: 3 }, { capacity: 1 }),
  ])) as [unknown, { id: string }];
  // A run that starts now counts only robots that are connected.
  const disconnect = await connectAgent(page, host, welder.id);
  await signIn(page, 'sam', 'sam-pass-12345');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'My work' })).toHaveCount(0);
  await nav.getByRole('link', { name: 'What if' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'What if' })).toBeVisible();

  await page.getByLabel('A CSV file of tasks').check();
  const lines = ['type,title,priority,requires,arrivalMinutes,deadlineMinutes'];
  for (let i = 0; i < 30; i++) lines.push(`weld.seam,Seam ${i},normal,weld:2,${i * 2},${i * 2 + 60}`);
  await page.getByLabel('Task list (CSV)').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await expect(page.getByText('orders.csv: 30 tasks.')).toBeVisible();
  await page.getByLabel('Seed').fill('7');

  await page.getByRole('button', { name: 'Add scenario' }).click();
  const first = page.getByRole('region', { name: 'Scenario 1' });
  await first.getByRole('button', { name: '+ Add an agent' }).click();
  await first.getByLabel('New agent').fill('Welder R9');
  await first.getByLabel('Skills').fill('weld:4');
  await expect(first.getByLabel('Scenario name')).toHaveValue('+ Welder R9');

  await page.getByRole('button', { name: 'Add scenario' }).click();
  const second = page.getByRole('region', { name: 'Scenario 2' });
  await second.getByRole('button', { name: '+ Remove an agent' }).click();
  await page.getByRole('button', { name: 'Run comparison' }).click();
  await expect(page.getByRole('alert')).toContainText('One field needs fixing');
  await expect(second.getByText('Pick the agent to remove.')).toBeVisible();
  await second.getByLabel('Agent to remove').selectOption({ label: 'Ann Weber (person)' });
  await second.getByLabel('Scenario name').fill('Without Ann');
  await page.getByRole('button', { name: 'Run comparison' }).click();

  const results = page.getByRole('region', { name: 'Results' });
  const table = results.getByRole('table', { name: 'Scenario comparison' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByRole('row', { name: /Current policy/ })).toContainText('base');
  await expect(table.getByRole('row', { name: /\+ Welder R9/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Without Ann/ })).toBeVisible();
  await expect(results).toContainText('30 tasks');
  await expect(results.getByRole('region', { name: 'Bottlenecks' })).toContainText('Current policy:');
  for (const name of ['Makespan per scenario', 'Deadline misses', 'Queue wait', 'Utilisation per agent']) {
    await expect(results.getByRole('figure', { name })).toBeVisible();
  }
  // Drawn as SVG under the CSP: one makespan bar per scenario.
  await expect(results.getByRole('figure', { name: 'Makespan per scenario' }).locator('.recharts-bar-rectangle')).toHaveCount(3);
  await expect(results.getByRole('figure', { name: 'Utilisation per agent' }).locator('.recharts-bar-rectangle').first()).toBeVisible();

  // Leaving and coming back keeps the scenarios and the result.
  await nav.getByRole('link', { name: 'Tasks' }).click();
  await nav.getByRole('link', { name: 'What if' }).click();
  await expect(page.getByRole('region', { name: 'Scenario 2' }).getByLabel('Scenario name')).toHaveValue('Without Ann');
  await expect(page.getByRole('table', { name: 'Scenario comparison' }).getByRole('row')).toHaveCount(4);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  disconnect();
});

test('a supervisor pins a task to an agent from its drawer and unpins it there with one click', async ({ page, host }) => {
  await asAdmin(page, host, [
    supervisor,
    { name: 'agents.create', input: { name: 'Welder R5', kind: 'robot', skills: { weld: 3 }, capacity: 1 } },
    { name: 'agents.create', input: { name: 'Welder R6', kind: 'robot', skills: { weld: 3 }, capacity: 1 } },
    { name: 'tasks.create', input: { type: 'weld.seam', title: 'Weld bracket 12', requires: { weld: 2 } } },
  ]);
  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('table', { name: 'Tasks' }).getByRole('button', { name: 'Weld bracket 12' }).click();
  const drawer = page.getByRole('dialog', { name: 'Weld bracket 12' });
  await expect(drawer.getByRole('button', { name: 'Unpin' })).toHaveCount(0);

  await drawer.getByRole('button', { name: 'Pin to agent…' }).click();
  const pick = page.getByRole('dialog', { name: 'Pin to agent' });
  // Neither robot has connected: the choice says so rather than "available".
  await expect(pick.getByLabel('Agent').locator('option', { hasText: 'Welder R6' })).toHaveText(/Welder R6 · robot · never connected/);
  await pick.getByLabel('Agent').selectOption({ label: 'Welder R6 · robot · never connected · 0/1' });
  await pick.getByRole('button', { name: 'Pin task' }).click();
  await expect(pick).toBeHidden();
  await expect(drawer).toContainText('Pinned to Welder R6.');
  // The pin is the decision: named once, with the live reason the robot cannot start it.
  await expect(drawer.getByText(/^Pinned to Welder R6$/)).toHaveCount(0);
  await expect(drawer).toContainText("By the engine's rules Welder R6 could not take it: Not connected yet (never heard from).");

  await drawer.getByRole('button', { name: 'Unpin' }).click();
  await expect(drawer).toContainText('Unpinned: the engine chooses again.');
  await expect(drawer.getByRole('button', { name: 'Unpin' })).toHaveCount(0);
});
