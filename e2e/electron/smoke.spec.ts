// The desktop app's security properties that only a real Electron can show (SECURITY.md, (E)):
// served from app://, no Node in the page, only the contract on window.delegate, no new windows,
// no navigation away, permissions denied, hardened web preferences. Needs an Electron binary and
// `npm run build`; skipped where the binary is missing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { CALL_NAMES } from '../../preload/contract';
import { electronBinary } from './electron-binary';

const repoRoot = resolve(__dirname, '../..');
const executablePath = electronBinary();

test.skip(executablePath === null, 'The Electron binary is not installed here.');

let app: ElectronApplication;
let page: Page;
let dataDir: string;

test.beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'out/main/index.js'))) {
    throw new Error('out/main/index.js is missing: run `npm run build` before the Electron smoke test.');
  }
  dataDir = mkdtempSync(join(tmpdir(), 'delegate-electron-e2e-'));
  // Chromium refuses to start its OS sandbox as root (CI containers); the renderer flags stay on.
  const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  app = await electron.launch({
    executablePath: executablePath!,
    args: [...rootArgs, repoRoot],
    cwd: repoRoot,
    env: { ...process.env, DELEGATE_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' } as Record<string, string>,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('loads the UI from app://, not file:// or http://', async () => {
  expect(page.url()).toMatch(/^app:\/\/ui\//);
});

test('the page has no Node: require, process and ipcRenderer are undefined', async () => {
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer)).toBe('undefined');
});

test('window.delegate exposes exactly the contract areas and calls plus subscribe', async () => {
  const exposed = await page.evaluate(() => {
    const api = (window as unknown as { delegate: Record<string, unknown> }).delegate;
    const calls: string[] = [];
    for (const [area, value] of Object.entries(api)) {
      if (value && typeof value === 'object') for (const method of Object.keys(value)) calls.push(`${area}.${method}`);
    }
    return { keys: Object.keys(api), calls };
  });
  const areas = [...new Set(CALL_NAMES.map((name) => name.split('.')[0]!))];
  expect(exposed.keys.sort()).toEqual([...areas, 'subscribe'].sort());
  expect(exposed.calls.sort()).toEqual([...CALL_NAMES].sort());
});

test('a call travels over IPC and comes back as a CallResult', async () => {
  const result = await page.evaluate(() =>
    (window as unknown as { delegate: { auth: { status(input: object): Promise<unknown> } } }).delegate.auth.status({}),
  );
  expect(result).toMatchObject({ ok: true });
});

test('window.open adds no window', async () => {
  const before = app.windows().length;
  await page.evaluate(() => {
    window.open('app://ui/index.html');
    window.open('http://127.0.0.1:9/');
    window.open('about:blank');
  });
  await page.waitForTimeout(500);
  expect(app.windows()).toHaveLength(before);
});

test('navigation away from app://ui is refused', async () => {
  const url = page.url();
  await page.evaluate(() => {
    window.location.href = 'http://127.0.0.1:9/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(url);
});

test('permissions are denied by default', async () => {
  expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
});

test('the CSP blocks inline script', async () => {
  const violated = await page.evaluate(
    () =>
      new Promise<boolean>((done) => {
        document.addEventListener('securitypolicyviolation', () => done(true), { once: true });
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.head.appendChild(script);
        setTimeout(() => done(false), 1000);
      }),
  );
  expect(violated).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
});

test("the window's web preferences are hardened", async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const [window] = BrowserWindow.getAllWindows();
    // Undocumented (not in electron.d.ts) but present: the preferences the renderer really got.
    const contents = window?.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> | null };
    return contents?.getLastWebPreferences?.() ?? null;
  });
  expect(prefs).not.toBeNull();
  expect(prefs).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
  });
  expect(prefs!.enableBlinkFeatures ?? '').toBe('');
});
