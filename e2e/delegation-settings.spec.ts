// The Delegation settings page against a real headless host: an engineer changes the default
// weights, the exploration rate and how pulls are weighed (kept across a reload), gives a task type weights of its own,
// edits and removes them; an operator reads the same page with every control disabled and sees
// another session's change arrive live; a bad time zone is explained and changes nothing; an
// engineer says which zones are near each other (the agents' zones offered as suggestions).
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

const SHOTS = '/tmp/shots';
const engineer = { name: 'users.create', input: { username: 'erin', displayName: 'Erin Engineer', role: 'engineer', password: 'erin-pass-12345' } };
const operator = { name: 'users.create', input: { username: 'otto', displayName: 'Otto Operator', role: 'operator', password: 'otto-pass-12345' } };

async function openDelegation(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delegation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Delegation' })).toBeVisible();
}

/** A 1366x768 screenshot, with `at` (if given) scrolled to the top of the content area first. */
async function shot(page: Page, name: string, at?: Locator): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  if (at) await at.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** The page scrolls inside its content area only: nothing stretches the window sideways or down. */
async function expectNoWindowOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => ({
    x: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    y: document.documentElement.scrollHeight - document.documentElement.clientHeight,
  }));
  expect(overflow).toEqual({ x: 0, y: 0 });
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
});

test('an engineer changes a default weight, the exploration rate and how pulls are weighed, and all are still there after a reload', async ({ page, host }) => {
  await asAdmin(page, host, [engineer]);
  await signIn(page, 'erin', 'erin-pass-12345');
  await openDelegation(page);
  await shot(page, 'delegation-engineer-top');

  const weights = page.getByRole('form', { name: 'Default weights' });
  const cost = weights.getByRole('textbox', { name: 'Cost', exact: true });
  await expect(cost).toHaveValue('0.05');
  await expect(weights.getByRole('group', { name: 'Predicted success' })).toContainText('30 %');
  await expect(weights.getByRole('button', { name: 'Save default weights' })).toBeDisabled();

  await cost.fill('1.5');
  await weights.getByRole('button', { name: 'Save default weights' }).click();
  await expect(weights.getByRole('group', { name: 'Cost' })).toContainText('Enter a number from 0 to 1, e.g. 0.25.');
  await expect(cost).toHaveAttribute('aria-invalid', 'true');

  await cost.fill('0.4');
  // The part of the score follows as the weight is typed: 0.4 of 1.35 in all.
  await expect(weights.getByRole('group', { name: 'Cost' })).toContainText('30 %');
  await expect(weights.getByRole('group', { name: 'Predicted success' })).toContainText('22 %');
  await weights.getByRole('slider', { name: 'Expected finish, slider' }).fill('0.35');
  await expect(weights.getByRole('textbox', { name: 'Expected finish', exact: true })).toHaveValue('0.35');
  await shot(page, 'delegation-engineer-editing', weights.getByRole('group', { name: 'Deadline' }));
  await expectNoWindowOverflow(page);
  await weights.getByRole('button', { name: 'Save default weights' }).click();
  await expect(weights.getByRole('status')).toHaveText('Default weights saved.');

  const timing = page.getByRole('form', { name: 'Exploration and timing' });
  await expect(timing).toContainText('Never for critical tasks');
  const exploration = timing.getByRole('textbox', { name: 'Exploration rate (% of decisions)' });
  await expect(exploration).toHaveValue('10');
  await exploration.fill('12');
  await timing.getByRole('button', { name: 'Save exploration and timing' }).click();
  await expect(timing.getByRole('status')).toHaveText('Exploration and timing saved.');
  await expect(timing).toContainText('In force: 12 % of decisions');

  // How an agent's request for work is weighed: a margin out of range is explained, then saved.
  await expect(timing).toContainText(
    'In force: When an agent asks for work, it takes a task unless a free agent fits it better by more than 5 points of 100; then the task waits for that agent at most 15 s.',
  );
  const margin = timing.getByRole('textbox', { name: 'Margin for a better agent (points of 100)' });
  const hold = timing.getByRole('textbox', { name: 'Longest wait for a better agent (seconds)' });
  await expect(margin).toHaveValue('5');
  await expect(hold).toHaveValue('15');
  await margin.fill('60');
  await hold.fill('45');
  await timing.getByRole('button', { name: 'Save exploration and timing' }).click();
  await expect(margin).toHaveAttribute('aria-invalid', 'true');
  await expect(margin).toHaveAccessibleDescription('Enter points from 0 to 50, at most one decimal, e.g. 5.');
  await expect(timing).toContainText('at most 15 s.');
  await shot(page, 'delegation-pull-invalid', timing);
  await expectNoWindowOverflow(page);
  await margin.fill('8');
  await timing.getByRole('button', { name: 'Save exploration and timing' }).click();
  await expect(timing.getByRole('status')).toHaveText('Exploration and timing saved.');
  await expect(timing).toContainText('fits it better by more than 8 points of 100; then the task waits for that agent at most 45 s.');
  await shot(page, 'delegation-pull-saved', timing);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Delegation' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Default weights' }).getByRole('textbox', { name: 'Cost', exact: true })).toHaveValue('0.4');
  await expect(page.getByRole('form', { name: 'Default weights' }).getByRole('textbox', { name: 'Expected finish', exact: true })).toHaveValue('0.35');
  await expect(page.getByRole('form', { name: 'Exploration and timing' }).getByRole('textbox', { name: 'Exploration rate (% of decisions)' })).toHaveValue('12');
  await expect(page.getByRole('form', { name: 'Exploration and timing' }).getByRole('textbox', { name: 'Margin for a better agent (points of 100)' })).toHaveValue('8');
  await shot(page, 'delegation-engineer-timing', page.getByRole('region', { name: 'Weights for particular task types' }));
  await expectNoWindowOverflow(page);
  const [saved] = (await asAdmin(page, host, [{ name: 'delegation.getSettings', input: {} }])) as Array<{ pullMargin: number; pullHoldSeconds: number }>;
  expect(saved).toMatchObject({ pullMargin: 0.08, pullHoldSeconds: 45 });
});

test('a bad weight is marked when its box is left, the slider and part of the score hold still, and a refused save goes to the first box to fix', async ({
  page,
  host,
}) => {
  await asAdmin(page, host, [engineer]);
  await signIn(page, 'erin', 'erin-pass-12345');
  await openDelegation(page);
  const weights = page.getByRole('form', { name: 'Default weights' });
  const cost = weights.getByRole('textbox', { name: 'Cost', exact: true });
  const costGroup = weights.getByRole('group', { name: 'Cost' });
  const costSlider = weights.getByRole('slider', { name: 'Cost, slider' });
  const finish = weights.getByRole('textbox', { name: 'Expected finish', exact: true });

  await cost.fill('0.4');
  await expect(costGroup).toContainText('30 %');
  // Not a weight: the slider and the part of the score keep 0.4, and nothing is marked while typing.
  for (const typed of ['5', 'abc']) {
    await cost.fill(typed);
    await expect(costSlider).toHaveValue('0.4');
    await expect(costGroup).toContainText('30 %');
    await expect(cost).not.toHaveAttribute('aria-invalid', 'true');
  }
  // Leaving the box marks it, beside the box.
  await cost.press('Tab');
  await expect(cost).toHaveAttribute('aria-invalid', 'true');
  await expect(cost).toHaveAccessibleDescription(/Enter a number from 0 to 1, e\.g\. 0\.25\.$/);
  await expect(costGroup).toContainText('Enter a number from 0 to 1, e.g. 0.25.');
  await expect(costSlider).toHaveValue('0.4');

  // Another bad box, above it, not yet left; Save is pressed from the bottom of the form.
  await finish.fill('2');
  const saveButton = weights.getByRole('button', { name: 'Save default weights' });
  await saveButton.scrollIntoViewIfNeeded();
  await saveButton.click();
  await expect(finish).toBeFocused();
  await expect(finish).toBeInViewport();
  await shot(page, 'delegation-weights-focus');
  await expect(finish).toHaveAttribute('aria-invalid', 'true');
  const toFix = weights.getByRole('status').filter({ hasText: 'Not saved' });
  await expect(toFix).toHaveText('Not saved: 2 fields need fixing.');
  // The message sits beside the Save button.
  const [messageBox, saveBox] = [await toFix.boundingBox(), await saveButton.boundingBox()];
  expect(Math.abs(messageBox!.y + messageBox!.height / 2 - (saveBox!.y + saveBox!.height / 2))).toBeLessThan(saveBox!.height);
  await shot(page, 'delegation-weights-invalid', weights.getByRole('group', { name: 'Deadline' }));
  await expectNoWindowOverflow(page);

  // Fixed one by one: the count follows, and the save goes through.
  await finish.fill('0.2');
  await expect(toFix).toHaveText('Not saved: 1 field needs fixing.');
  await cost.fill('0.4');
  await expect(toFix).toHaveCount(0);
  await expect(cost).not.toHaveAttribute('aria-invalid', 'true');
  await saveButton.click();
  await expect(weights.getByRole('status')).toHaveText('Default weights saved.');
  await expect(cost).toHaveValue('0.4');
});

test('an engineer gives a task type weights of its own, changes them, and sends the type back to the defaults', async ({ page, host }) => {
  await asAdmin(page, host, [engineer]);
  await signIn(page, 'erin', 'erin-pass-12345');
  await openDelegation(page);
  const card = page.getByRole('region', { name: 'Weights for particular task types' });
  await expect(card).toContainText('No task type has weights of its own');

  await card.getByRole('button', { name: 'Add a task type' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add weights for a task type' });
  await expect(dialog.getByLabel('Task type')).toBeFocused();
  await dialog.getByRole('button', { name: 'Add weights' }).click();
  await expect(dialog.getByText('Required.')).toBeVisible();
  await expect(dialog.getByRole('alert')).toContainText('at least one weight of its own');

  await dialog.getByLabel('Task type').fill('weld.seam');
  const success = dialog.getByRole('textbox', { name: 'Predicted success', exact: true });
  await expect(success).toBeDisabled();
  await dialog.getByRole('checkbox', { name: 'Own value for Predicted success' }).check();
  await expect(success).toBeEnabled();
  await success.fill('0.8');
  await dialog.getByRole('checkbox', { name: 'Own value for Cost' }).check();
  await dialog.getByRole('textbox', { name: 'Cost', exact: true }).fill('0');
  await shot(page, 'delegation-type-dialog');
  await dialog.getByRole('button', { name: 'Add weights' }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByRole('status')).toContainText('weld.seam has weights of its own now.');
  const item = card.getByRole('listitem', { name: 'weld.seam' });
  await expect(item.getByRole('list', { name: 'Own weights of weld.seam' }).getByRole('listitem')).toHaveText(['Predicted success0.8', 'Cost0']);

  // The same type again is refused in the dialog, before anything is sent.
  await card.getByRole('button', { name: 'Add a task type' }).click();
  const again = page.getByRole('dialog', { name: 'Add weights for a task type' });
  await again.getByLabel('Task type').fill('weld.seam');
  await again.getByRole('checkbox', { name: 'Own value for Expected finish' }).check();
  await again.getByRole('button', { name: 'Add weights' }).click();
  await expect(again.getByText('weld.seam has its own weights already: edit it in the list.')).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();

  // Editing: un-ticking a point gives it back to the defaults, the rest stays.
  await item.getByRole('button', { name: 'Edit weights of weld.seam' }).click();
  const edit = page.getByRole('dialog', { name: 'Weights of weld.seam' });
  await expect(edit.getByRole('textbox', { name: 'Predicted success', exact: true })).toHaveValue('0.8');
  await edit.getByRole('checkbox', { name: 'Own value for Cost' }).uncheck();
  await edit.getByRole('button', { name: 'Save weights' }).click();
  await expect(edit).toBeHidden();
  await expect(item.getByRole('list', { name: 'Own weights of weld.seam' }).getByRole('listitem')).toHaveText(['Predicted success0.8']);

  await page.reload();
  const reloaded = page.getByRole('region', { name: 'Weights for particular task types' }).getByRole('listitem', { name: 'weld.seam' });
  await expect(reloaded).toContainText('Predicted success');
  await reloaded.getByRole('button', { name: 'Use the default weights for weld.seam' }).click();
  const cardAfter = page.getByRole('region', { name: 'Weights for particular task types' });
  await expect(cardAfter.getByRole('status')).toContainText('weld.seam uses the default weights again.');
  await expect(cardAfter.getByRole('listitem', { name: 'weld.seam' })).toHaveCount(0);
  await expect(cardAfter).toContainText('No task type has weights of its own');
});

test('an operator reads the settings with every control disabled, and sees a change from another session arrive', async ({ page, browser, host }) => {
  await asAdmin(page, host, [
    operator,
    { name: 'delegation.setWeights', input: { taskType: 'inspect.final', weights: { success: 0.9 } } },
    { name: 'delegation.updateSettings', input: { zoneDistances: [{ a: 'Cell A', b: 'Warehouse', distance: 1 }] } },
  ]);
  await signIn(page, 'otto', 'otto-pass-12345');
  await openDelegation(page);
  await expect(page.getByRole('note')).toHaveText(/signed in as operator: you can read these settings, but only an engineer or an administrator can change them/);

  const weights = page.getByRole('form', { name: 'Default weights' });
  await expect(weights.getByRole('textbox', { name: 'Cost', exact: true })).toBeDisabled();
  await expect(weights.getByRole('slider', { name: 'Cost, slider' })).toBeDisabled();
  const timing = page.getByRole('form', { name: 'Exploration and timing' });
  for (const name of ['Exploration rate (% of decisions)', 'Offer time for people (minutes)', 'Margin for a better agent (points of 100)', 'Longest wait for a better agent (seconds)']) {
    await expect(timing.getByRole('textbox', { name })).toBeDisabled();
  }
  await expect(timing.getByRole('combobox', { name: 'Site time zone' })).toBeDisabled();
  await expect(timing.getByRole('slider', { name: 'Exploration rate, slider' })).toBeDisabled();
  await expect(page.getByRole('button', { name: /^Save|Add a task type|Back to built-in defaults/ })).toHaveCount(0);
  const types = page.getByRole('region', { name: 'Weights for particular task types' });
  await expect(types.getByRole('listitem', { name: 'inspect.final' })).toContainText('Predicted success');
  await expect(types.getByRole('button')).toHaveCount(0);
  const zones = page.getByRole('form', { name: 'Zone distances' });
  // Read as words: nothing to type in, nothing to press.
  await expect(zones.getByRole('row').nth(1).getByRole('cell')).toHaveText(['Cell A', 'Warehouse', 'Far (1)', 'No zone points, as if not listed']);
  await expect(zones.getByRole('combobox')).toHaveCount(0);
  await expect(zones.getByRole('button')).toHaveCount(0);
  await shot(page, 'delegation-operator-zones', page.getByRole('region', { name: 'Zone distances' }));
  await shot(page, 'delegation-operator');
  await shot(page, 'delegation-operator-lower', types);
  await expectNoWindowOverflow(page);

  // Another session (the admin, elsewhere) changes settings: this page follows without a reload.
  const elsewhere = await browser.newPage();
  await asAdmin(elsewhere, host, [
    { name: 'delegation.setWeights', input: { taskType: '*', weights: { cost: 0.25 } } },
    { name: 'delegation.updateSettings', input: { timeZone: 'Europe/Berlin', humanOfferMinutes: 7, pullHoldSeconds: 0 } },
  ]);
  await elsewhere.close();
  await expect(weights.getByRole('textbox', { name: 'Cost', exact: true })).toHaveValue('0.25');
  await expect(timing.getByRole('combobox', { name: 'Site time zone' })).toHaveValue('Europe/Berlin');
  await expect(timing.getByRole('textbox', { name: 'Offer time for people (minutes)' })).toHaveValue('7');
  await expect(timing.getByRole('textbox', { name: 'Longest wait for a better agent (seconds)' })).toHaveValue('0');
  await expect(timing).toContainText('In force: When an agent asks for work, it takes every task it qualifies for at once');
});

test('an engineer adds a zone distance, picking from the zones agents are in, and it is kept', async ({ page, host }) => {
  await asAdmin(page, host, [
    engineer,
    { name: 'agents.create', input: { name: 'Forklift B', kind: 'robot', skills: { move: 2 }, zone: 'Cell B' } },
    { name: 'agents.create', input: { name: 'Forklift A', kind: 'robot', skills: { move: 2 }, zone: 'Cell A' } },
  ]);
  await signIn(page, 'erin', 'erin-pass-12345');
  await openDelegation(page);
  const card = page.getByRole('form', { name: 'Zone distances' });
  await expect(card).toContainText('No distances set');
  await expect(card.getByRole('button', { name: 'Save zone distances' })).toBeDisabled();

  await card.getByRole('button', { name: 'Add a pair of zones' }).click();
  const first = card.getByRole('combobox', { name: 'Zone, row 1', exact: true });
  const other = card.getByRole('combobox', { name: 'Other zone, row 1', exact: true });
  // The agents' zones are offered as suggestions.
  const suggestions = page.locator(`datalist[id="${await first.getAttribute('list')}"] option`);
  await expect.poll(() => suggestions.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['Cell A', 'Cell B']);
  await first.fill('Cell A');
  await card.getByRole('button', { name: 'Save zone distances' }).click();
  await expect(other).toHaveAttribute('aria-invalid', 'true');
  await expect(other).toHaveAccessibleDescription('Enter a zone, or remove the row.');
  await other.fill('Cell A');
  await expect(other).toHaveAccessibleDescription('Pick another zone: a zone is always at distance 0 from itself.');
  await shot(page, 'delegation-zone-distances-invalid', page.getByRole('region', { name: 'Zone distances' }));
  await other.fill('Cell B');
  const distance = card.getByRole('combobox', { name: 'How far apart, row 1' });
  await expect(distance).toHaveValue('0.25');
  await expect(card.getByRole('row').nth(1)).toContainText('75 % of the zone points');
  await distance.selectOption({ label: 'Medium (0.5)' });
  await expect(card.getByRole('row').nth(1)).toContainText('50 % of the zone points');
  await shot(page, 'delegation-zone-distances', page.getByRole('region', { name: 'Zone distances' }));
  await expectNoWindowOverflow(page);
  await card.getByRole('button', { name: 'Save zone distances' }).click();
  await expect(card.getByRole('status')).toHaveText('Zone distances saved.');

  await page.reload();
  const after = page.getByRole('form', { name: 'Zone distances' });
  await expect(after.getByRole('combobox', { name: 'Zone, row 1', exact: true })).toHaveValue('Cell A');
  await expect(after.getByRole('combobox', { name: 'Other zone, row 1', exact: true })).toHaveValue('Cell B');
  await expect(after.getByRole('combobox', { name: 'How far apart, row 1' })).toHaveValue('0.5');
  const [settings] = (await asAdmin(page, host, [{ name: 'delegation.getSettings', input: {} }])) as Array<{ zoneDistances: unknown }>;
  expect(settings!.zoneDistances).toEqual([{ a: 'Cell A', b: 'Cell B', distance: 0.5 }]);
});

test('a zone written with other capitals than an agent’s zone is warned about under its field, and still saves', async ({ page, host }) => {
  await asAdmin(page, host, [engineer, { name: 'agents.create', input: { name: 'Forklift A', kind: 'robot', skills: { move: 2 }, zone: 'Cell A' } }]);
  await signIn(page, 'erin', 'erin-pass-12345');
  await openDelegation(page);
  const card = page.getByRole('form', { name: 'Zone distances' });
  await card.getByRole('button', { name: 'Add a pair of zones' }).click();
  const first = card.getByRole('combobox', { name: 'Zone, row 1', exact: true });
  const other = card.getByRole('combobox', { name: 'Other zone, row 1', exact: true });
  await first.fill('cell a');
  const warning = 'Not the same as “Cell A”, the zone Forklift A is in: zone names must match exactly, capitals and spaces included.';
  await expect(first).toHaveAccessibleDescription(warning);
  await expect(first).not.toHaveAttribute('aria-invalid', 'true');
  await first.fill('Cell A');
  await expect(card).not.toContainText('Not the same as');
  await other.fill('cell a ');
  await expect(other).toHaveAccessibleDescription(warning);
  await shot(page, 'delegation-zone-case-warning', page.getByRole('region', { name: 'Zone distances' }));
  await expectNoWindowOverflow(page);
  // A warning, not a refusal.
  await card.getByRole('button', { name: 'Save zone distances' }).click();
  await expect(card.getByRole('status')).toHaveText('Zone distances saved.');
  await expect(other).toHaveAccessibleDescription(warning);
});

test('a bad time zone is explained next to the field and nothing is changed', async ({ page, host }) => {
  await asAdmin(page, host, [engineer]);
  await signIn(page, 'erin', 'erin-pass-12345');
  await openDelegation(page);
  const timing = page.getByRole('form', { name: 'Exploration and timing' });
  const zone = timing.getByRole('combobox', { name: 'Site time zone' });
  await expect(zone).toHaveValue('UTC');
  await zone.fill('Mars/Olympus');
  await timing.getByRole('textbox', { name: 'Offer time for people (minutes)' }).fill('20');
  await timing.getByRole('button', { name: 'Save exploration and timing' }).click();
  await expect(zone).toHaveAttribute('aria-invalid', 'true');
  await expect(zone).toHaveAccessibleDescription(/“Mars\/Olympus” is not a time zone this computer knows\. Use a name such as Europe\/Berlin/);
  await expect(timing.getByRole('status')).toHaveText('');
  await shot(page, 'delegation-bad-time-zone', timing);

  await page.reload();
  const after = page.getByRole('form', { name: 'Exploration and timing' });
  await expect(after.getByRole('combobox', { name: 'Site time zone' })).toHaveValue('UTC');
  await expect(after.getByRole('textbox', { name: 'Offer time for people (minutes)' })).toHaveValue('10');
  const [settings] = (await asAdmin(page, host, [{ name: 'delegation.getSettings', input: {} }])) as Array<{ timeZone: string; humanOfferMinutes: number }>;
  expect(settings).toMatchObject({ timeZone: 'UTC', humanOfferMinutes: 10 });
});
