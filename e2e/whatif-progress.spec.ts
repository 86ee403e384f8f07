// The What-if page shows how far a long run is: the host reports the run's progress to this page
// alone (at most every 100 ms) and the bar fills row by row until the results arrive.
import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

const supervisor = { name: 'users.create', input: { username: 'sam', displayName: 'Sam Shift', role: 'supervisor', password: 'sam-pass-12345' } };

declare global {
  interface Window {
    progressLog?: Array<{ value: string | null; detail: string }>;
  }
}

test('a large run shows a progress bar that fills, scenario by scenario, until the results come', async ({ page, host }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const robots = Array.from({ length: 8 }, (_, i) => ({
    name: 'agents.create',
    input: { name: `R${i}`, kind: 'robot', skills: { weld: 1 + (i % 3), paint: 1 + (i % 2) }, capacity: 2 },
  }));
  await asAdmin(page, host, [supervisor, ...robots]);
  await signIn(page, 'sam', 'sam-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What if' }).click();

  await page.getByLabel('A CSV file of tasks').check();
  const lines = ['type,title,priority,requires,arrivalMinutes,deadlineMinutes'];
  for (let i = 0; i < 12_000; i++) lines.push(`${i % 3 === 0 ? 'paint' : 'weld'},Job ${i},normal,${i % 3 === 0 ? 'paint:1' : 'weld:2'},${(i * 0.5).toFixed(1)},${i * 0.5 + 90}`);
  await page.getByLabel('Task list (CSV)').setInputFiles({ name: 'week.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await expect(page.getByText(/week\.csv: 12,?000 tasks\./)).toBeVisible();
  await page.getByLabel('Horizon (hours)').fill('168');
  // Next week's work from tomorrow's start: the robots plan to work (now, those not connected would not).
  await page.getByLabel('Start', { exact: true }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Add scenario' }).click();
  const scenario = page.getByRole('region', { name: 'Scenario 1' });
  await scenario.getByRole('button', { name: '+ Remove an agent' }).click();
  await scenario.getByLabel('Agent to remove').selectOption({ label: 'R0 (robot)' });
  await scenario.getByLabel('Scenario name').fill('Without R0');

  // Every state of the progress display, as the page draws it.
  await page.evaluate(() => {
    window.progressLog = [];
    new MutationObserver(() => {
      const bar = document.querySelector('.run-progress progress');
      const detail = document.querySelector('.run-progress__detail')?.textContent ?? '';
      const entry = { value: bar?.getAttribute('value') ?? null, detail };
      const last = window.progressLog!.at(-1);
      if (bar && (!last || last.value !== entry.value || last.detail !== entry.detail)) window.progressLog!.push(entry);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });

  await page.getByRole('button', { name: 'Run comparison' }).click();
  const progress = page.getByRole('status', { name: 'Simulation progress' });
  await expect(progress.getByRole('progressbar', { name: 'Simulating' })).toHaveAttribute('value', /^0(\.\d+)?$|^1$/);
  await expect(progress).toContainText(/of 12,000 tasks settled/);
  // The run's progress is brought into view at once (the Run button is at the top of a long page).
  await expect(progress).toBeInViewport();
  mkdirSync('/tmp/shots', { recursive: true });
  await page.screenshot({ path: '/tmp/shots/whatif-progress.png' });

  const table = page.getByRole('region', { name: 'Results' }).getByRole('table', { name: 'Scenario comparison' });
  await expect(table.getByRole('row')).toHaveCount(3, { timeout: 60_000 });
  await expect(progress).toHaveCount(0);

  const log = await page.evaluate(() => window.progressLog ?? []);
  const drawn = log.filter((e) => e.value !== null);
  expect(drawn.length).toBeGreaterThanOrEqual(3);
  expect(drawn[0]!.detail).toMatch(/^Current policy \(1 of 2\): [\d,]+ of 12,000 tasks settled$/);
  expect(drawn.some((e) => /^Without R0 \(2 of 2\): [\d,]+ of 12,000 tasks settled$/.test(e.detail))).toBe(true);
  // The bar only moves forward, and the second row starts past half way.
  const values = drawn.map((e) => Number(e.value));
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  expect(Math.min(...drawn.filter((e) => e.detail.startsWith('Without R0')).map((e) => Number(e.value)))).toBeGreaterThanOrEqual(0.5);
});
