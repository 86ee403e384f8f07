import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CALL_NAMES, calls, EVENT_NAMES, events, ROLES } from './contract';

describe('the contract', () => {
  it.each(CALL_NAMES)('%s has input and output schemas, a role and a summary', (name) => {
    const def = calls[name];
    expect(def.input).toBeInstanceOf(z.ZodType);
    expect(def.output).toBeInstanceOf(z.ZodType);
    expect(['public', ...ROLES]).toContain(def.role);
    expect(typeof def.mutates).toBe('boolean');
    expect(def.summary.length).toBeGreaterThan(5);
  });

  it('names calls area.method so the preload can group them', () => {
    for (const name of CALL_NAMES) expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
  });

  it.each(EVENT_NAMES)('event %s has a payload schema and a role and is past tense', (name) => {
    expect(events[name].payload).toBeInstanceOf(z.ZodType);
    expect(ROLES).toContain(events[name].role);
    // Regular past tense (…ed, …Changed), or one of the few irregular ones in use.
    expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+(ed|Changed)$|^decision\.made$/);
  });

  it('only sign-in related calls are public', () => {
    const publicCalls = CALL_NAMES.filter((n) => calls[n].role === 'public');
    expect(publicCalls.every((n) => n.startsWith('auth.'))).toBe(true);
  });
});
