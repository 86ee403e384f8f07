// The What-if page's scenario builder: what people pick and type (strings) -> a
// `delegation.simulate` input, with one message per field. The base is always the current roster
// and policy; each scenario is a list of changes on top of it. Pure, so it is tested in node.
// Start times are typed and shown on this computer's clock (as a datetime-local input has them);
// "tomorrow's shift start" is found on the site's clock, where the shifts are.
import {
  AGENT_KINDS,
  DELEGATION_COMPONENTS,
  SIM_CSV_MAX_CHARS,
  SIM_START_AHEAD_MAX_MS,
  SIM_START_GRACE_MS,
  SimulateInput,
  type AgentDto,
  type AgentKind,
  type CallInput,
  type DelegationComponent,
} from '../../../preload/contract';
import { parseAvailability, type Window } from './availability';
import { sentence } from './form';
import { parseSkills } from './skills';

export type SimulateRequest = CallInput<'delegation.simulate'>;
type ScenarioInput = NonNullable<SimulateRequest['scenarios']>[number];
type SimAgent = NonNullable<ScenarioInput['addAgents']>[number];

export type ChangeKind = 'add' | 'remove' | 'shift' | 'weights';

export const CHANGE_LABELS: Record<ChangeKind, string> = {
  add: 'Add an agent',
  remove: 'Remove an agent',
  shift: 'Change a shift',
  weights: 'Other weights',
};

export type ScenarioChange =
  | { id: string; kind: 'add'; name: string; agentKind: AgentKind; skills: string; capacity: string; likeAgentId: string }
  | { id: string; kind: 'remove'; agentId: string }
  | { id: string; kind: 'shift'; agentId: string; availability: string }
  | { id: string; kind: 'weights'; weights: Record<DelegationComponent, string> };

export interface ScenarioDraft {
  id: string;
  name: string;
  /** The name follows the changes until someone types one. */
  autoName: boolean;
  changes: ScenarioChange[];
}

/** now: when Run is pressed; tomorrow: at tomorrow's shift start; at: a time typed in. */
export type StartChoice = 'now' | 'tomorrow' | 'at';

export interface WhatIfDraft {
  source: 'queue' | 'csv';
  /** The CSV file's text ('' until one is chosen). */
  csv: string;
  csvName: string;
  horizonHours: string;
  start: StartChoice;
  /** "2026-03-03T06:00" on this computer's clock; used unless start is now. */
  startAt: string;
  seed: string;
  scenarios: ScenarioDraft[];
}

export const MAX_SCENARIOS = 8;

export const EMPTY_WHAT_IF: WhatIfDraft = { source: 'queue', csv: '', csvName: '', horizonHours: '24', start: 'now', startAt: '', seed: '1', scenarios: [] };

/** When no agent has a shift tomorrow. */
export const DEFAULT_SHIFT_START = '06:00';
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** A time as a datetime-local input writes it, on this computer's clock. */
export function localDateTimeText(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2026-03-03T06:00" (seconds allowed) on this computer's clock -> ms; null for anything else. */
export function readLocalDateTime(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const [y, m, d, h, min, sec] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (m < 1 || m > 12 || d < 1 || d > new Date(y, m, 0).getDate() || h > 23 || min > 59 || sec > 59) return null;
  return new Date(y, m - 1, d, h, min, sec).getTime();
}

/** The wall-clock date and time of `ms` in the zone (this computer's zone when it is not known). */
function zoneParts(ms: number, timeZone: string | undefined): { y: number; m: number; d: number; h: number; min: number } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  } catch {
    format = new Intl.DateTimeFormat('en-US', { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour! % 24, min: parts.minute! };
}

/** The instant of a wall-clock time in the zone (as the host lays out shifts). */
function zonedToMs(y: number, m: number, d: number, h: number, min: number, timeZone: string | undefined): number {
  const offset = (ms: number) => {
    const p = zoneParts(ms, timeZone);
    return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min) - Math.floor(ms / 60_000) * 60_000;
  };
  const guess = Date.UTC(y, m - 1, d, h, min);
  return guess - offset(guess - offset(guess));
}

/**
 * Tomorrow on the site's clock at the earliest shift start any agent has that day (06:00 when
 * nobody has one): the clock time for the label and the start as the datetime-local input has it.
 */
export function tomorrowShiftStart(agents: readonly Pick<AgentDto, 'availability'>[], now: number, timeZone: string | undefined): { clock: string; startAt: string } {
  const today = zoneParts(now, timeZone);
  const tomorrow = new Date(Date.UTC(today.y, today.m - 1, today.d + 1));
  const weekday = tomorrow.getUTCDay();
  const date = tomorrow.toISOString().slice(0, 10);
  let clock: string | null = null;
  for (const agent of agents) {
    for (const window of agent.availability) {
      if (window.kind !== 'shift' || (window.days && !window.days.includes(weekday)) || (window.date && window.date !== date)) continue;
      if (clock === null || window.start < clock) clock = window.start;
    }
  }
  clock ??= DEFAULT_SHIFT_START;
  const [h, min] = clock.split(':').map(Number) as [number, number];
  const at = zonedToMs(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), h, min, timeZone);
  return { clock, startAt: localDateTimeText(at) };
}

/** The start to send (undefined: now), or why the typed one cannot be. */
function readStart(draft: WhatIfDraft, now: number): { startAt?: number; error?: string } {
  if (draft.start === 'now') return {};
  const at = readLocalDateTime(draft.startAt);
  if (at === null) return { error: 'Pick a date and time.' };
  if (at < now - SIM_START_GRACE_MS) return { error: 'This time has passed. Pick a later one, or Now.' };
  if (at > now + SIM_START_AHEAD_MAX_MS) return { error: `At most ${SIM_START_AHEAD_MAX_MS / DAY_MS} days ahead.` };
  return { startAt: at };
}

export const CSV_COLUMNS_HELP = 'type (required), title, priority, requires ("weld:3;inspect:2"), arrivalMinutes, deadlineMinutes';

let counter = 0;
/** A key for React lists; never sent. */
export function draftId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A new change of a kind, prefilled from what the current weights and roster say. */
export function newChange<K extends ChangeKind>(
  kind: K,
  defaults: { weights?: Partial<Record<DelegationComponent, number>>; agentId?: string } = {},
): Extract<ScenarioChange, { kind: K }> {
  return makeChange(kind, defaults) as Extract<ScenarioChange, { kind: K }>;
}

function makeChange(kind: ChangeKind, defaults: { weights?: Partial<Record<DelegationComponent, number>>; agentId?: string }): ScenarioChange {
  const id = draftId('change');
  switch (kind) {
    case 'add':
      return { id, kind, name: '', agentKind: 'robot', skills: '', capacity: '1', likeAgentId: '' };
    case 'remove':
      return { id, kind, agentId: defaults.agentId ?? '' };
    case 'shift':
      return { id, kind, agentId: defaults.agentId ?? '', availability: 'shift 06:00-14:00' };
    case 'weights': {
      const weights = Object.fromEntries(DELEGATION_COMPONENTS.map((name) => [name, String(defaults.weights?.[name] ?? '')])) as Record<DelegationComponent, string>;
      return { id, kind, weights };
    }
  }
}

export function newScenario(index: number): ScenarioDraft {
  return { id: draftId('scenario'), name: `Scenario ${index}`, autoName: true, changes: [] };
}

/** A name that says what the scenario changes, while nobody typed one; null to keep the name. */
export function suggestedName(scenario: ScenarioDraft, agentName: (id: string) => string): string | null {
  if (!scenario.autoName || scenario.changes.length === 0) return null;
  const words = scenario.changes.map((change) => {
    switch (change.kind) {
      case 'add':
        return change.name.trim() ? `+ ${change.name.trim()}` : '+ agent';
      case 'remove':
        return change.agentId ? `− ${agentName(change.agentId)}` : '− agent';
      case 'shift':
        return change.agentId ? `${agentName(change.agentId)} shift` : 'shift';
      case 'weights':
        return 'other weights';
    }
  });
  return words.join(', ').slice(0, 64);
}

/** Field errors keyed by a path: "seed", "csv", "scenarios.0.name", "scenarios.0.changes.1.skills". */
export type DraftErrors = Record<string, string>;

export interface BuildResult {
  input: SimulateRequest | null;
  errors: DraftErrors;
}

function readWeight(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (!/^\d*\.?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 0 && value <= 1 ? value : null;
}

function buildChange(change: ScenarioChange, at: string, errors: DraftErrors, scenario: ScenarioInput): void {
  switch (change.kind) {
    case 'add': {
      const agent: SimAgent = { name: change.name.trim(), kind: change.agentKind };
      if (!agent.name) errors[`${at}.name`] = 'Name the new agent.';
      if (change.likeAgentId) agent.likeAgentId = change.likeAgentId;
      const skills = parseSkills(change.skills);
      if (!skills.ok) errors[`${at}.skills`] = skills.error;
      else if (Object.keys(skills.skills).length > 0) agent.skills = skills.skills;
      else if (!change.likeAgentId) errors[`${at}.skills`] = 'Give it skills, or copy an existing agent.';
      const capacity = change.capacity.trim();
      if (capacity) {
        if (!/^\d+$/.test(capacity) || Number(capacity) < 1 || Number(capacity) > 1000) errors[`${at}.capacity`] = 'A whole number from 1 to 1000.';
        else agent.capacity = Number(capacity);
      }
      if (!AGENT_KINDS.includes(agent.kind)) errors[`${at}.agentKind`] = 'Pick a kind.';
      scenario.addAgents = [...(scenario.addAgents ?? []), agent];
      return;
    }
    case 'remove': {
      if (!change.agentId) errors[`${at}.agentId`] = 'Pick the agent to remove.';
      else if (scenario.removeAgentIds?.includes(change.agentId)) errors[`${at}.agentId`] = 'This agent is already removed in this scenario.';
      else scenario.removeAgentIds = [...(scenario.removeAgentIds ?? []), change.agentId];
      return;
    }
    case 'shift': {
      if (!change.agentId) errors[`${at}.agentId`] = 'Pick whose shift changes.';
      const windows = parseAvailability(change.availability);
      let availability: Window[] = [];
      if (!windows.ok) errors[`${at}.availability`] = windows.error;
      else availability = windows.value;
      if (change.agentId && windows.ok) scenario.shifts = [...(scenario.shifts ?? []), { agentId: change.agentId, availability }];
      return;
    }
    case 'weights': {
      const weights: Partial<Record<DelegationComponent, number>> = {};
      for (const name of DELEGATION_COMPONENTS) {
        const value = readWeight(change.weights[name]);
        if (value === null) errors[`${at}.weights.${name}`] = 'From 0 to 1.';
        else if (value !== undefined) weights[name] = value;
      }
      if (Object.keys(weights).length === 0) errors[`${at}.weights`] = 'Set at least one weight.';
      scenario.weights = { ...scenario.weights, ...weights };
      return;
    }
  }
}

/** `now` checks a typed start: from now (a minute's grace) to 14 days ahead, as the host does. */
export function buildSimulateInput(draft: WhatIfDraft, now = Date.now()): BuildResult {
  const errors: DraftErrors = {};
  const seedText = draft.seed.trim();
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || seed > 2 ** 31 - 1) errors.seed = 'A whole number from 0 to 2147483647.';
  const hoursText = draft.horizonHours.trim();
  const horizonHours = Number(hoursText);
  if (!/^\d+(\.\d+)?$/.test(hoursText) || horizonHours < 1 || horizonHours > 24 * 14) errors.horizonHours = 'From 1 to 336 hours.';
  const start = readStart(draft, now);
  if (start.error) errors.startAt = start.error;
  if (draft.source === 'csv') {
    if (!draft.csv.trim()) errors.csv = 'Choose a CSV file of tasks.';
    else if (draft.csv.length > SIM_CSV_MAX_CHARS) errors.csv = `The file is too large (at most ${(SIM_CSV_MAX_CHARS / 1_000_000).toFixed(0)} million characters).`;
  }
  if (draft.scenarios.length > MAX_SCENARIOS) errors.scenarios = `At most ${MAX_SCENARIOS} scenarios.`;

  const names = new Set<string>();
  const scenarios: ScenarioInput[] = draft.scenarios.map((scenario, index) => {
    const at = `scenarios.${index}`;
    const name = scenario.name.trim();
    if (!name) errors[`${at}.name`] = 'Name the scenario.';
    else if (name.length > 64) errors[`${at}.name`] = 'At most 64 characters.';
    else if (names.has(name.toLowerCase()) || name.toLowerCase() === 'current policy') errors[`${at}.name`] = 'Another scenario has this name.';
    names.add(name.toLowerCase());
    const out: ScenarioInput = { name };
    if (scenario.changes.length === 0) errors[`${at}.changes`] = 'Add at least one change.';
    scenario.changes.forEach((change, changeIndex) => buildChange(change, `${at}.changes.${changeIndex}`, errors, out));
    return out;
  });

  const request: SimulateRequest = {
    source: draft.source,
    horizonHours,
    ...(start.startAt !== undefined ? { startAt: start.startAt } : {}),
    seed,
    scenarios,
    ...(draft.source === 'csv' ? { csv: draft.csv } : {}),
  };
  if (Object.keys(errors).length > 0) return { input: null, errors };
  // The contract has the last word (names, windows, sizes); its messages land on the field.
  const parsed = SimulateInput.safeParse(request);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      errors[key || 'form'] ??= sentence(issue.message);
    }
    return { input: null, errors };
  }
  return { input: request, errors };
}
