// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { hardenedWebPreferences, mainWindowOptions } from './window-options';

describe('hardenedWebPreferences', () => {
  it('sets every flag of Electron security checklist', () => {
    const prefs: Record<string, unknown> = { ...hardenedWebPreferences('/app/out/preload/index.js') };
    expect(prefs).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect('enableBlinkFeatures' in prefs).toBe(false);
    expect(prefs.enableRemoteModule).toBeUndefined();
  });
});

describe('mainWindowOptions', () => {
  it('opens at 1366x768, hidden until ready, with the hardened preferences', () => {
    const options = mainWindowOptions({ preloadPath: '/p.js' });
    expect(options).toMatchObject({ width: 1366, height: 768, show: false, title: 'Delegate' });
    expect(options.minWidth).toBeLessThanOrEqual(options.width);
    expect(options.minHeight).toBeLessThanOrEqual(options.height);
    expect(options.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(options.webPreferences).toEqual(hardenedWebPreferences('/p.js'));
    expect('icon' in options).toBe(false);
    expect(mainWindowOptions({ preloadPath: '/p.js', icon: '/i.png' })).toMatchObject({ icon: '/i.png' });
  });
});
