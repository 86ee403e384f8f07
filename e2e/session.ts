// Steps every e2e spec shares: signing in through the UI, and calls made as the admin straight
// over the bridge socket (to set up data without clicking through pages).
import type { Page } from '@playwright/test';
import { expect, type HostInfo } from './fixtures';

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();
}

/** Calls made as the admin over the bridge socket, in order; returns their values. */
export async function asAdmin(page: Page, host: HostInfo, calls: Array<{ name: string; input: unknown }>): Promise<unknown[]> {
  await page.goto('/');
  return page.evaluate(
    async ({ calls, password }) => {
      const socket = new WebSocket(`ws://${location.host}/bridge`);
      await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      let id = 0;
      const call = (name: string, input: unknown) =>
        new Promise<unknown>((resolve, reject) => {
          const mine = ++id;
          const onMessage = (event: MessageEvent) => {
            const message = JSON.parse(String(event.data)) as { type: string; id?: number; ok?: boolean; value?: unknown; error?: { message: string } };
            if (message.type !== 'result' || message.id !== mine) return;
            socket.removeEventListener('message', onMessage);
            if (message.ok) resolve(message.value);
            else reject(new Error(`${name}: ${message.error?.message}`));
          };
          socket.addEventListener('message', onMessage);
          socket.send(JSON.stringify({ type: 'call', id: mine, name, input }));
        });
      await call('auth.login', { username: 'admin', password });
      const results: unknown[] = [];
      for (const c of calls) results.push(await call(c.name, c.input));
      socket.close();
      return results;
    },
    { calls, password: host.adminPassword },
  );
}
