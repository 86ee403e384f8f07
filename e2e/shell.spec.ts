// The renderer against a real headless host: sign-in, the shell, users and the live audit trail,
// sign-out, first-run setup, idle lock, and the browser-side security properties.
import { expect, test } from './fixtures';
import { signIn } from './session';

test('an administrator signs in and sees the shell', async ({ page, host }) => {
  await page.goto('/');
  await expect(page.getByLabel('Username')).toBeFocused();
  await page.getByLabel('Username').fill(host.adminUsername);
  await page.getByLabel('Password', { exact: true }).fill(host.adminPassword);
  await page.getByLabel('Password', { exact: true }).press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Administrator' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Dashboard', 'Users', 'Audit', 'Settings']) await expect(nav.getByRole('link', { name })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const status = page.getByRole('status', { name: 'Connection' });
  await expect(status).toContainText('Connected');
  await expect(status).toContainText('WebSocket');
  await expect(status).toContainText(/Delegate \d+\.\d+\.\d+/);

  await expect(page.getByRole('region', { name: 'System' })).toContainText('Headless host');
  await expect(page.getByRole('region', { name: 'System' })).toContainText(host.dataDir);
  await expect(page.getByRole('table', { name: 'Recent activity' })).toContainText('auth.login');

  // Nothing the page needs may be wider than a 1366 px workstation screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
});

test('a user created on the Users page shows in the list and, live, in the audit trail of another tab', async ({ page, context, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);

  // A second tab, signed in before the change, watching the audit trail.
  const watcher = await context.newPage();
  await signIn(watcher, host.adminUsername, host.adminPassword);
  await watcher.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  const trail = watcher.getByRole('table', { name: 'Audit entries' });
  await expect(trail).toContainText('auth.login');
  await expect(trail).not.toContainText('users.create');
  await watcher.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await expect(dialog.getByLabel('Username')).toBeFocused();
  // Inline validation from the contract's schemas before anything is sent.
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByText('At least 3 characters.')).toBeVisible();
  await dialog.getByLabel('Username').fill('bob.ops');
  await dialog.getByLabel('Display name').fill('Bob Operator');
  await dialog.getByLabel('Role').selectOption('operator');
  await dialog.getByLabel('Password').fill('Bob-pass-12345');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('table', { name: 'Users' }).getByRole('row', { name: /bob\.ops/ });
  await expect(row).toContainText('Bob Operator');
  await expect(row).toContainText('Operator');
  await expect(row).toContainText('Active');

  const entry = trail.getByRole('row', { name: /users\.create/ });
  await expect(entry).toContainText('bob.ops');
  await expect(entry).toContainText('OK');
  // Pushed by audit.appended, not fetched by a reload.
  expect(await watcher.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

  // A second create with the same username: the host's refusal is shown in the dialog.
  await page.getByRole('button', { name: 'New user' }).click();
  await dialog.getByLabel('Username').fill('bob.ops');
  await dialog.getByLabel('Display name').fill('Bob Again');
  await dialog.getByLabel('Password').fill('Bob-pass-12345');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'New user' })).toBeFocused();
});

test('the audit trail filters, pages through older entries and verifies its chain', async ({ page, host }) => {
  await page.goto('/');
  // 55 refused calls without a session, straight over the bridge socket: each is audited
  // (auth.lock: refused before any password hashing, so this stays fast on a slow machine).
  await page.evaluate(async () => {
    const socket = new WebSocket(`ws://${location.host}/bridge`);
    await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
    let answered = 0;
    const done = new Promise<void>((resolve) =>
      socket.addEventListener('message', () => {
        if (++answered === 55) resolve();
      }),
    );
    for (let id = 1; id <= 55; id++) {
      socket.send(JSON.stringify({ type: 'call', id, name: 'auth.lock', input: {} }));
    }
    await done;
    socket.close();
  });
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  const trail = page.getByRole('table', { name: 'Audit entries' });
  await expect(trail.getByRole('row')).toHaveCount(51); // header + a page of 50
  await expect(trail.getByRole('row').nth(1)).toContainText('auth.login');

  await page.getByRole('button', { name: 'Older' }).click();
  await expect(page.getByText('Older entries, page 2')).toBeVisible();
  await expect(trail).toContainText('host.provisionAdmin');
  await page.getByRole('button', { name: 'Newer' }).click();
  await expect(page.getByText('Newest entries, updated live')).toBeVisible();

  await page.getByLabel('Outcome').selectOption('ok');
  await expect(trail.getByRole('row')).toHaveCount(3); // header, the admin's sign-in, provisioning
  await expect(trail).not.toContainText('Unauthenticated');
  await page.getByLabel('Actor').fill('admin');
  await expect(trail.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(trail.getByRole('row')).toHaveCount(51);

  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByRole('status', { name: 'Chain check' })).toHaveText(/^Chain intact: \d+ entries checked$/);
});

test('signing out returns to the sign-in screen and forgets the session', async ({ page, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('delegate.session'))).toBeNull();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('a reload keeps the session', async ({ page, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});

test('a wrong password shows a clear error', async ({ page, host }) => {
  await page.goto('/');
  await page.getByLabel('Username').fill(host.adminUsername);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
});

test('the CSP blocks an injected inline script', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByLabel('Username')).toBeVisible();
  const result = await page.evaluate(
    () =>
      new Promise<{ directive: string; ran: boolean }>((resolve) => {
        const w = window as unknown as { injectedRan?: boolean };
        w.injectedRan = false;
        document.addEventListener(
          'securitypolicyviolation',
          (event) => setTimeout(() => resolve({ directive: event.effectiveDirective, ran: w.injectedRan === true }), 50),
          { once: true },
        );
        const script = document.createElement('script');
        script.textContent = 'window.injectedRan = true;';
        document.body.appendChild(script);
      }),
  );
  expect(result.directive).toMatch(/^script-src/);
  expect(result.ran).toBe(false);
});

test('the page has no Node: require and process are undefined', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByLabel('Username')).toBeVisible();
  expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as unknown as { process?: unknown }).process)).toBe('undefined');
});

test('an operator sees neither Users nor Audit', async ({ page, browser, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Username').fill('olga');
  await dialog.getByLabel('Display name').fill('Olga Line');
  await dialog.getByLabel('Password').fill('Olga-pass-12345');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();

  const other = await browser.newContext({ baseURL: host.url });
  const operator = await other.newPage();
  await signIn(operator, 'olga', 'Olga-pass-12345');
  const nav = operator.getByRole('navigation', { name: 'Main' });
  // Delegation is there to read: operators see the weights that choose their work, engineers change them.
  await expect(nav.getByRole('link')).toHaveText(['Dashboard', 'Tasks', 'Agents', 'Delegation', 'Settings']);
  await expect(operator.getByRole('banner')).toContainText('Olga Line');
  await expect(operator.getByRole('banner')).toContainText('Operator');
  // Typing the address of an admin page shows the dashboard instead.
  await operator.goto('/#/users');
  await expect(operator.getByRole('heading', { level: 1, name: 'Welcome, Olga Line' })).toBeVisible();
  await expect(operator).toHaveURL(/#\/dashboard$/);
  await expect(operator.getByLabel('Site name')).toHaveCount(0);
  await operator.getByRole('link', { name: 'Settings' }).click();
  await expect(operator.getByLabel('Site name')).toHaveAttribute('readonly', '');
  await expect(operator.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await other.close();
});

test('after the idle time the screen locks, and only the password unlocks it', async ({ page, host }) => {
  await page.clock.install();
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('link', { name: 'Settings' }).click();
  const idle = page.getByLabel('Lock screen after idle (minutes)');
  await idle.fill('1');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await expect(idle).toHaveValue('1');

  await page.clock.fastForward('00:50');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.clock.fastForward('00:15');

  await expect(page.getByRole('heading', { name: 'Session locked' })).toBeVisible();
  await expect(page.getByText(/Signed in as Administrator/)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);

  await page.getByLabel('Password').fill('wrong-password-1');
  await page.getByRole('button', { name: 'Unlock' }).click();
  // The lock screen asks only for the password, so it says only that.
  await expect(page.getByRole('alert')).toHaveText('Wrong password');

  await page.getByLabel('Password').fill(host.adminPassword);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  // The host was told: the lock and the unlock are in the audit trail.
  await page.getByRole('link', { name: 'Audit' }).click();
  const trail = page.getByRole('table', { name: 'Audit entries' });
  await expect(trail.getByRole('row', { name: /auth\.lock/ })).toHaveCount(1);
  await expect(trail.getByRole('row', { name: /auth\.unlock/ }).filter({ hasText: 'OK' })).toHaveCount(1);
});

test('the Lock button locks at once and a reload stays locked', async ({ page, host }) => {
  await signIn(page, host.adminUsername, host.adminPassword);
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Session locked' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Session locked' })).toBeVisible();
  await expect(page.getByText(/Signed in as Administrator/)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test.describe('first run', () => {
  test.use({ setupInUi: true });

  test('without an admin, the setup screen creates the first administrator', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
    await page.getByLabel('Username').fill('ad');
    await page.getByLabel('Display name').fill('Site Admin');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('different');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByText('At least 3 characters.')).toBeVisible();
    await expect(page.getByText('At least 10 characters.')).toBeVisible();
    await expect(page.getByText('Passwords do not match.')).toBeVisible();

    await page.getByLabel('Username').fill('siteadmin');
    await page.getByLabel('Password', { exact: true }).fill('Site-admin-pass-1');
    await page.getByLabel('Confirm password').fill('Site-admin-pass-1');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Site Admin' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toBeVisible();
  });
});
