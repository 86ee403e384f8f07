// The Agents page against a real headless host: add an agent, edit it, create an API key (shown
// once), revoke it; read-only for roles below engineer.
import { expect, test } from './fixtures';
import { signIn } from './session';

test('an administrator adds an agent, creates a key shown once, and revokes it', async ({ page, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  await expect(page.getByText('No agents yet.')).toBeVisible();

  await page.getByRole('button', { name: 'New agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await dialog.getByLabel('Skills').fill('weld:3, inspect:7');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog.getByText('Required.')).toBeVisible();
  await expect(dialog.getByText('“inspect:7”: the level must be a whole number from 1 to 5.')).toBeVisible();
  await dialog.getByLabel('Name').fill('Welder R2');
  await dialog.getByLabel('Kind').selectOption('robot');
  await dialog.getByLabel('Skills').fill('weld:3, inspect:2');
  await dialog.getByLabel('Capacity').fill('4');
  await dialog.getByLabel('Tags').fill('cell-2, line-4');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Welder R2/ });
  await expect(row).toContainText('Robot');
  await expect(row).toContainText('Available');
  await expect(row).toContainText('weld3');
  await expect(row).toContainText('inspect2');
  await expect(row).toContainText('0 / 4');
  await expect(row).toContainText('cell-2');
  await expect(row).toContainText('Never');

  await row.getByRole('button', { name: 'Edit Welder R2' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Welder R2' });
  await expect(edit.getByLabel('Skills')).toHaveValue('weld:3, inspect:2');
  await edit.getByLabel('Status').selectOption('paused');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('Paused');

  await row.getByRole('button', { name: 'API keys of Welder R2' }).click();
  const keys = page.getByRole('dialog', { name: 'API keys of Welder R2' });
  await expect(keys.getByText('No keys yet.')).toBeVisible();
  await keys.getByLabel('Key name').fill('cell-2 controller');
  await keys.getByRole('checkbox', { name: /submit/ }).check();
  await keys.getByRole('button', { name: 'Create key' }).click();

  const secret = keys.getByRole('region', { name: 'New key' });
  await expect(secret).toContainText('It is shown only this once');
  const value = await secret.getByLabel('Key “cell-2 controller”').inputValue();
  expect(value).toMatch(/^dlg_/);
  const keyRow = keys.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /cell-2 controller/ });
  await expect(keyRow).toContainText('agent');
  await expect(keyRow).toContainText('submit');
  await expect(keyRow).toContainText('Active');
  await expect(keyRow).toContainText(value.split('_').slice(0, 2).join('_'));
  await secret.getByRole('button', { name: 'Copy key' }).click();
  await keys.getByRole('button', { name: 'I have stored the key' }).click();
  // Gone for good: not on the page any more, and never in the list.
  await expect(secret).toHaveCount(0);
  expect(await page.content()).not.toContain(value);

  await keyRow.getByRole('button', { name: 'Revoke cell-2 controller' }).click();
  await keyRow.getByRole('button', { name: 'Confirm revoking cell-2 controller' }).click();
  await expect(keyRow).toContainText('Revoked');
  await expect(keyRow.getByRole('button')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(keys).toBeHidden();
});

test('an engineer manages agents but cannot give a key the admin scope; a supervisor only reads', async ({ page, browser, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('link', { name: 'Users' }).click();
  for (const [username, role] of [['erin', 'engineer'], ['sam', 'supervisor']] as const) {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill(username);
    await dialog.getByLabel('Display name').fill(`${username} Line`);
    await dialog.getByLabel('Role').selectOption(role);
    await dialog.getByLabel('Password').fill(`${username}-pass-12345`);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await expect(dialog).toBeHidden();
  }

  const engineerContext = await browser.newContext({ baseURL: host.url });
  const engineer = await engineerContext.newPage();
  await signIn(engineer, 'erin', 'erin-pass-12345');
  await engineer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  await engineer.getByRole('button', { name: 'New agent' }).click();
  const dialog = engineer.getByRole('dialog', { name: 'New agent' });
  await dialog.getByLabel('Name').fill('Vision AI');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog).toBeHidden();
  await engineer.getByRole('button', { name: 'API keys of Vision AI' }).click();
  const keys = engineer.getByRole('dialog', { name: 'API keys of Vision AI' });
  await expect(keys.getByRole('checkbox', { name: /admin/ })).toBeDisabled();
  await keys.getByRole('button', { name: 'Create key' }).click();
  await expect(keys.getByRole('region', { name: 'New key' })).toBeVisible();
  await engineerContext.close();

  const supervisorContext = await browser.newContext({ baseURL: host.url });
  const supervisor = await supervisorContext.newPage();
  await signIn(supervisor, 'sam', 'sam-pass-12345');
  await supervisor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  // Live from agent.changed? The list was read at page open: Vision AI exists already.
  await expect(supervisor.getByRole('table', { name: 'Agents' })).toContainText('Vision AI');
  await expect(supervisor.getByRole('button', { name: 'New agent' })).toHaveCount(0);
  await expect(supervisor.getByRole('button', { name: /^Edit / })).toHaveCount(0);
  await expect(supervisor.getByRole('button', { name: /^API keys of / })).toHaveCount(0);
  await supervisorContext.close();
});
