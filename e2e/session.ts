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

/**
 * A robot or software agent connected as a program would be: it long-polls the gateway for work
 * with its own API key (the host then counts it as reachable). Returns what stops it.
 */
export async function connectAgent(page: Page, host: HostInfo, agentId: string): Promise<() => void> {
  const [{ secret }] = (await asAdmin(page, host, [{ name: 'agents.createKey', input: { agentId, scopes: ['agent'] } }])) as [{ secret: string }];
  await expect.poll(() => /gateway listening on (http:\/\/\S+)/.exec(host.output())?.[1]).toBeTruthy();
  const gateway = /gateway listening on (http:\/\/\S+)/.exec(host.output())![1]!;
  const stop = new AbortController();
  const claim = () =>
    fetch(`${gateway}/v1/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ max: 1, waitMs: 10_000 }),
      signal: stop.signal,
    });
  // The first claim has reached the host before this returns; the next ones keep it heard from
  // (until stopped, or the host is gone: a few refusals in a row end the loop).
  await claim();
  void (async () => {
    let failures = 0;
    while (!stop.signal.aborted && failures < 5) {
      const ok = await claim().then(
        (res) => res.ok,
        () => false,
      );
      failures = ok ? 0 : failures + 1;
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return () => stop.abort();
}
