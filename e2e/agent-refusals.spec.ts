// The agent dialog when the host refuses a save: a refusal about one field (a name taken, an
// account linked to someone else) shows on that field and focus moves there; any other shows in
// the dialog's banner and focus moves to it. Focus never falls back to the page.
import { expect, test } from './fixtures';
import { asAdmin, signIn } from './session';

test('a name that exists already shows on the Name field, which gets focus, until the name changes', async ({ page, host }) => {
  await asAdmin(page, host, [{ name: 'agents.create', input: { name: 'welder-1', kind: 'robot', skills: { weld: 3 }, capacity: 1 } }]);
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('button', { name: 'New agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  const name = dialog.getByLabel('Name');
  await name.fill('welder-1');
  await dialog.getByRole('button', { name: 'Add agent' }).click();

  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('An agent named "welder-1" exists already.');
  await expect(name).toBeFocused();
  await expect(dialog.getByRole('alert')).toHaveCount(0);

  await name.fill('welder-2');
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /welder-2/ })).toBeVisible();
});

test('an account linked to another person shows on the account field, which gets focus', async ({ page, host }) => {
  const [olga] = (await asAdmin(page, host, [
    { name: 'users.create', input: { username: 'olga', displayName: 'Olga Line', role: 'operator', password: 'olga-pass-12345' } },
  ])) as Array<{ id: string }>;
  await asAdmin(page, host, [{ name: 'agents.create', input: { name: 'Olga Line', kind: 'human', skills: { inspect: 3 }, capacity: 1, userId: olga!.id } }]);
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('button', { name: 'New agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  await dialog.getByLabel('Name').fill('Olga again');
  await dialog.getByLabel('Kind').selectOption('human');
  const account = dialog.getByLabel('Linked user account');
  await account.selectOption({ label: 'Olga Line (olga)' });
  await dialog.getByRole('button', { name: 'Add agent' }).click();

  await expect(account).toHaveAttribute('aria-invalid', 'true');
  await expect(account).toHaveAccessibleDescription('That user is linked to the agent "Olga Line" already.');
  await expect(account).toBeFocused();
});

test('a refusal about no one field shows in the banner, which gets focus', async ({ page, browser, host }) => {
  const [erin] = (await asAdmin(page, host, [
    { name: 'users.create', input: { username: 'erin', displayName: 'Erin Line', role: 'engineer', password: 'erin-pass-12345' } },
  ])) as Array<{ id: string }>;
  const adminContext = await browser.newContext({ baseURL: host.url });
  const admin = await adminContext.newPage();

  await signIn(page, 'erin', 'erin-pass-12345');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('button', { name: 'New agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  await dialog.getByLabel('Name').fill('Vision AI');
  // Meanwhile an administrator makes Erin a supervisor: the host refuses the save as a whole.
  await asAdmin(admin, host, [{ name: 'users.update', input: { id: erin!.id, role: 'supervisor' } }]);
  await dialog.getByRole('button', { name: 'Add agent' }).click();

  const banner = dialog.getByRole('alert');
  await expect(banner).toContainText('needs the engineer role');
  await expect(banner).toBeFocused();
  await expect(dialog.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');
  await adminContext.close();
});
