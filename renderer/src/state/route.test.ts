// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { canOpen, parseRoute, routeFor, routeHref } from './route';

describe('hash routes', () => {
  it('parses #/page, #page, trailing slashes and query strings', () => {
    expect(parseRoute('#/users')).toBe('users');
    expect(parseRoute('#users')).toBe('users');
    expect(parseRoute('#/audit/')).toBe('audit');
    expect(parseRoute('#/audit?actor=ada')).toBe('audit');
    expect(parseRoute('#/Settings')).toBe('settings');
  });

  it('falls back to the dashboard for an empty or unknown hash', () => {
    expect(parseRoute('')).toBe('dashboard');
    expect(parseRoute('#')).toBe('dashboard');
    expect(parseRoute('#/')).toBe('dashboard');
    expect(parseRoute('#/robots')).toBe('dashboard');
    expect(parseRoute('#/__proto__')).toBe('dashboard');
  });

  it('round-trips every route through its href', () => {
    for (const route of ['dashboard', 'tasks', 'agents', 'users', 'audit', 'settings'] as const) expect(parseRoute(routeHref(route))).toBe(route);
  });

  it('keeps Users and Audit for administrators and sends others to the dashboard', () => {
    expect(canOpen('users', 'admin')).toBe(true);
    expect(canOpen('audit', 'engineer')).toBe(false);
    expect(canOpen('settings', 'operator')).toBe(true);
    expect(routeFor('users', 'supervisor')).toBe('dashboard');
    expect(routeFor('settings', 'supervisor')).toBe('settings');
  });

  it('opens Tasks and Agents for every role', () => {
    for (const role of ['operator', 'supervisor', 'engineer', 'admin'] as const) {
      expect(routeFor('tasks', role)).toBe('tasks');
      expect(routeFor('agents', role)).toBe('agents');
    }
  });
});

describe('delegation routes', () => {
  it('opens the Delegation settings for every role (only engineers and up change them)', () => {
    expect(parseRoute('#/delegation')).toBe('delegation');
    for (const role of ['operator', 'supervisor', 'engineer', 'admin'] as const) expect(routeFor('delegation', role)).toBe('delegation');
  });

  it('opens What if for supervisors and up only', () => {
    expect(routeFor('whatif', 'operator')).toBe('dashboard');
    for (const role of ['supervisor', 'engineer', 'admin'] as const) expect(routeFor('whatif', role)).toBe('whatif');
  });

  it('opens My work for every role (the page says when the user is not a person agent)', () => {
    for (const role of ['operator', 'supervisor', 'engineer', 'admin'] as const) expect(routeFor('work', role)).toBe('work');
    expect(parseRoute('#/work')).toBe('work');
    expect(parseRoute('#/whatif')).toBe('whatif');
  });
});
