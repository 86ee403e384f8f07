// @vitest-environment node
// The "snapshot of Object.keys(window.delegate)" against the contract: the preload builds its
// object from this shape, so covering the contract exactly here covers the exposed API.
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, calls } from './contract';
import { SUBSCRIBE_KEY, buildApiShape, callChannel } from './api-shape';

describe('buildApiShape', () => {
  it('covers every call of the contract exactly once', () => {
    const shape = buildApiShape(CALL_NAMES);
    const flattened = Object.entries(shape).flatMap(([area, methods]) => methods.map((m) => `${area}.${m}`));
    expect(flattened.sort()).toEqual(Object.keys(calls).sort());
    expect(new Set(flattened).size).toBe(flattened.length);
  });

  it('has one key per area of the contract and no subscribe area', () => {
    const areas = [...new Set(CALL_NAMES.map((n) => n.split('.')[0]))];
    expect(Object.keys(buildApiShape(CALL_NAMES)).sort()).toEqual(areas.sort());
    expect(areas).not.toContain(SUBSCRIBE_KEY);
  });

  it('refuses malformed, duplicate and shadowing names', () => {
    expect(() => buildApiShape(['auth'])).toThrow(/area\.method/);
    expect(() => buildApiShape(['a.b.c'])).toThrow(/area\.method/);
    expect(() => buildApiShape(['__proto__.x'])).toThrow(/area\.method/);
    expect(() => buildApiShape(['auth.login', 'auth.login'])).toThrow(/twice/);
    expect(() => buildApiShape(['subscribe.x'])).toThrow(/shadow/);
  });

  it('handles areas that collide with Object.prototype names', () => {
    expect(buildApiShape(['constructor.get', 'toString.list'])).toEqual({ constructor: ['get'], toString: ['list'] });
  });

  it('names one channel per procedure', () => {
    const channels = CALL_NAMES.map(callChannel);
    expect(new Set(channels).size).toBe(CALL_NAMES.length);
    expect(callChannel('auth.login')).toBe('delegate:call:auth.login');
  });
});
