// The What-if page plans tomorrow's shift: the Start control offers tomorrow at the earliest shift
// start, refuses a time that has passed, and the results say when the run started.
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

const supervisor = { name: 'users.create', input: { username: 'sam', displayName: 'Sam Shift', role: 'supervisor', password: 'sam-pass-12345' } };

test('a supervisor runs the comparison from tomorrow’s shift start, and a past start is refused', async ({ page, host }) => {
  // Ann is away now; her early shift still counts for tomorrow.
  const ann = { name: 'agents.create', input: { name: 'Ann', kind: 'human', skills: { weld: 2 }, presence: 'away', availability: [{ kind: 'shift', start: '05:30', end: '13:30' }] } };
  await asAdmin(page, host, [supervisor, ann]);
  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What if' }).click();
  await expect(page.getByText('Agents’ current status counts only for a start within the hour; shifts, breaks and maintenance windows always do.')).toBeVisible();

  await page.getByLabel('A CSV file of tasks').check();
  const csv = ['type,requires,arrivalMinutes', ...Array.from({ length: 4 }, (_, i) => `weld,weld:1,${i * 10}`)].join('\n');
  await page.getByLabel('Task list (CSV)').setInputFiles({ name: 'tomorrow.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

  const start = page.getByLabel('Start', { exact: true });
  await expect(start).toHaveValue('now');
  await start.selectOption({ label: 'Another time' });
  await page.getByLabel('Start at').fill('2020-01-01T06:00');
  await page.getByRole('button', { name: 'Run comparison' }).click();
  await expect(page.getByText('This time has passed. Pick a later one, or Now.')).toBeVisible();

  await start.selectOption({ label: 'Tomorrow at 05:30' });
  await expect(page.getByLabel('Start at')).toHaveValue(/T05:30$/);
  await page.getByRole('button', { name: 'Run comparison' }).click();
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('table', { name: 'Scenario comparison' })).toBeVisible({ timeout: 30_000 });
  await expect(results.getByText(/4 tasks, 1 agents, from tomorrow 05:30/)).toBeVisible();
  // Ann, away today, takes tomorrow's work (a failed task's retry has nobody else, so count done).
  const base = results.getByRole('row', { name: /Current policy/ });
  await expect(base.getByRole('cell').nth(2)).toHaveText(/^[1-4]$/);
});
