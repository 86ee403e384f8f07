// BrowserWindow options as plain data, so every security flag is asserted by a unit test.
// Electron's own checklist: isolation, sandbox, no Node in the page or its frames, no webview.

export interface HardenedWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  spellcheck: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
}

export function hardenedWebPreferences(preloadPath: string): HardenedWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // enableBlinkFeatures is deliberately absent: no opt-in to experimental Blink features.
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

export const DEFAULT_WIDTH = 1366;
export const DEFAULT_HEIGHT = 768;
export const MIN_WIDTH = 1024;
export const MIN_HEIGHT = 640;
export const BACKGROUND_COLOR = '#0f1419';

export interface MainWindowOptionsInput {
  preloadPath: string;
  title?: string;
  icon?: string;
}

export function mainWindowOptions(input: MainWindowOptionsInput) {
  return {
    width: DEFAULT_WIDTH,
    height: DEFAULT_HEIGHT,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    backgroundColor: BACKGROUND_COLOR,
    title: input.title ?? 'Delegate',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    ...(input.icon !== undefined ? { icon: input.icon } : {}),
    webPreferences: hardenedWebPreferences(input.preloadPath),
  };
}
