// @vitest-environment node
// The packaging config is a security artefact (fuses) and a correctness one (native addons,
// migrations next to the app): assert it, and let electron-builder's own schema check it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = resolve(__dirname, '../..');
const config = parse(readFileSync(resolve(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('com.delegate.controlcentre');
    expect(config.productName).toBe('Delegate');
    expect(config.directories).toMatchObject({ output: 'dist' });
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('rebuilds native addons for Electron and keeps them out of the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('ships the built app, and migrations and resources beside it so appRoot = resourcesPath works', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        { from: 'electron/db/migrations', to: 'electron/db/migrations' },
        { from: 'resources', to: 'resources' },
      ]),
    );
  });

  it('builds for Linux, Windows and macOS and updates from a generic (LAN) server', () => {
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
    expect(config.publish).toMatchObject({ provider: 'generic' });
    expect(typeof (config.publish as { url: unknown }).url).toBe('string');
  });

  it("passes electron-builder's own configuration schema", async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config')) as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = (await import('builder-util')) as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });
});
