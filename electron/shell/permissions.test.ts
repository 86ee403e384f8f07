// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { permissionAllowed } from './permissions';

describe('permissionAllowed', () => {
  it('denies every permission by default', () => {
    for (const permission of [
      'notifications',
      'media',
      'geolocation',
      'clipboard-read',
      'clipboard-sanitized-write',
      'openExternal',
      'fullscreen',
      'pointerLock',
      'midi',
      'midiSysex',
      'hid',
      'serial',
      'usb',
      'display-capture',
      'unknown',
      '',
    ]) {
      expect(permissionAllowed(permission), permission).toBe(false);
    }
  });
});
