// The Electron shell: lifecycle, the app:// protocol, one hardened window, menu, tray, updater.
// Thin on purpose: every decision lives in a plain, unit-tested module (shell/, bridge/ipc.ts),
// and the engine room is the same host that headless.ts runs. With preload/index.ts, the only
// code that imports 'electron'.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BrowserWindow,
  Menu,
  Tray,
  app,
  dialog,
  ipcMain,
  nativeImage,
  protocol,
  session,
  shell,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { autoUpdater } from 'electron-updater';
import type { Gateway } from './gateway/server';
import type { Host } from './host';
import { registerIpcBridge, type Disposable } from './bridge/ipc';
import { contentSecurityPolicy } from './server/csp';
import { APP_HOST, APP_SCHEME, resolveAppRequest } from './shell/app-protocol';
import { permissionAllowed } from './shell/permissions';
import { APP_ORIGIN, isTrustedSender } from './shell/sender-check';
import { externalUrlAllowed, isAllowedNavigation } from './shell/url-policy';
import { mainWindowOptions } from './shell/window-options';

const START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
const CLOSE_TIMEOUT_MS = 10_000;

// Data lives where the user (or a test) says, else in Electron's user-data folder. Pin it before
// anything reads it, and point XDG_CONFIG_HOME inside it: node-opcua writes its PKI there.
const dataDir = process.env.DELEGATE_DATA_DIR ?? app.getPath('userData');
app.setPath('userData', dataDir);
process.env.XDG_CONFIG_HOME = join(dataDir, 'config');
try {
  mkdirSync(process.env.XDG_CONFIG_HOME, { recursive: true });
} catch (error) {
  console.error('Could not create the config folder:', error);
}

app.enableSandbox();
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let host: Host | null = null;
let ipcBridge: Disposable | null = null;
let gateway: Gateway | null = null;

if (!app.requestSingleInstanceLock()) {
  // Another Delegate runs on this data folder: it brings its window forward (second-instance).
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('window-all-closed', () => app.quit());
  installQuitHandler();
  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  const appRoot = app.isPackaged ? process.resourcesPath : app.getAppPath();
  registerAppProtocol(join(__dirname, '../renderer'));
  denyPermissions();

  try {
    const { createHost } = await import('./host');
    host = await createHost({
      dataDir,
      mode: 'desktop',
      appRoot,
      // A packaged app's resources folder holds no package.json: ask Electron for the version.
      version: app.getVersion(),
      logToFile: true,
      logToStdout: !app.isPackaged,
    });
  } catch (error) {
    fail(error);
    return;
  }
  await startAgentGateway(host);

  ipcBridge = registerIpcBridge(ipcMain, host.bridge, (event) =>
    isTrustedSender(event, mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null, APP_ORIGIN),
  );
  Menu.setApplicationMenu(buildMenu());
  const iconPath = join(appRoot, 'resources', 'icon.png');
  const icon = existsSync(iconPath) ? iconPath : undefined;
  createWindow(icon);
  if (icon) createTray(icon);
  checkForUpdates();
}

/** The agent gateway beside the window (DELEGATE_GATEWAY_PORT / _HOST); the app runs on without it if it cannot listen. */
async function startAgentGateway(running: Host): Promise<void> {
  try {
    const { gatewayOptionsFromEnv } = await import('./gateway/config');
    const options = gatewayOptionsFromEnv(process.env, running.version);
    if (!options) return;
    const { gatewayDepsOf, startGateway } = await import('./gateway/server');
    gateway = await startGateway(gatewayDepsOf(running), options);
    running.log.info({ url: gateway.url }, 'gateway listening');
  } catch (error) {
    running.log.error({ err: error }, 'the agent gateway did not start');
  }
}

/** Start-up failed (corrupt or newer database, native addon built for another runtime, …). */
function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('Delegate could not start:', error);
  dialog.showErrorBox('Delegate could not start', message);
  app.exit(1);
}

function registerAppProtocol(rendererDir: string): void {
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405 });
    }
    const resolved = resolveAppRequest(request.url, rendererDir);
    if (resolved.kind === 'not_found') {
      return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    try {
      const body = await readFile(resolved.path);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': resolved.mime,
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-cache',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function denyPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionAllowed(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => permissionAllowed(permission));
  ses.setDevicePermissionHandler(() => false);
}

/** Every web contents, ours or not: no webview, no navigation away, no new windows. */
function hardenContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (externalUrlAllowed(url)) {
      shell.openExternal(url).catch((error: unknown) => console.error('Could not open link:', error));
    }
    return { action: 'deny' };
  });
}

function createWindow(icon: string | undefined): void {
  const options = mainWindowOptions({ preloadPath: join(__dirname, '../preload/index.js'), icon });
  const window = new BrowserWindow({
    ...options,
    webPreferences: { ...options.webPreferences, devTools: !app.isPackaged },
  });
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.loadURL(START_URL).catch((error: unknown) => console.error('Could not load the UI:', error));
}

function createTray(icon: string): void {
  try {
    tray = new Tray(nativeImage.createFromPath(icon));
    tray.setToolTip('Delegate');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Delegate', click: () => mainWindow?.show() },
        { type: 'separator' },
        { label: 'Quit', click: () => app.quit() },
      ]),
    );
    tray.on('click', () => mainWindow?.show());
  } catch (error) {
    // Some Linux desktops have no tray; the app works without it.
    console.error('No tray icon:', error);
  }
}

function buildMenu(): Menu {
  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }];
  if (!app.isPackaged) view.push({ role: 'toggleDevTools' });
  view.push({ type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    { label: 'Edit', submenu: [{ role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: view },
    {
      label: 'Help',
      submenu: [
        {
          label: 'About Delegate',
          click: () => {
            void dialog.showMessageBox({
              type: 'info',
              title: 'About Delegate',
              message: `Delegate ${app.getVersion()}`,
              detail: `Data folder: ${dataDir}\nElectron ${process.versions.electron}`,
            });
          },
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

function checkForUpdates(): void {
  if (!app.isPackaged) return;
  autoUpdater.on('error', (error) => console.error('Update check failed:', error));
  autoUpdater.checkForUpdatesAndNotify().catch((error: unknown) => console.error('Update check failed:', error));
}

/** Quit waits for the host to close (database checkpoint, links stopped), once. */
function installQuitHandler(): void {
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) {
      event.preventDefault();
      return;
    }
    if (!host) return;
    event.preventDefault();
    closing = true;
    void shutdown().finally(() => app.exit(0));
  });
}

async function shutdown(): Promise<void> {
  ipcBridge?.dispose();
  ipcBridge = null;
  tray?.destroy();
  tray = null;
  const closing = host;
  host = null;
  if (!closing) return;
  const closingGateway = gateway;
  gateway = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        // Running work may still report through the gateway while the queue drains.
        await closingGateway?.drain();
        await closingGateway?.close();
        await closing.close();
      })(),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error('host.close() timed out')), CLOSE_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    console.error('Delegate did not close cleanly:', error);
  } finally {
    clearTimeout(timer);
  }
}
