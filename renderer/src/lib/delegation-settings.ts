// The Delegation settings page's forms: scoring weights (the defaults and a task type's own),
// the exploration rate, the site time zone, the offer time for people, how pulls are weighed and
// the distances between zones, as people type them (strings) -> the delegation.* inputs, with one message per field.
// Pure, so it is tested in node.
import {
  DELEGATION_COMPONENTS,
  PULL_HOLD_SECONDS_MAX,
  PULL_MARGIN_MAX,
  TaskType,
  ZONE_DISTANCES_MAX,
  ZoneName,
  type CallInput,
  type DelegationComponent,
  type DelegationSettings,
  type DelegationWeights,
  type ZoneDistance,
} from '../../../preload/contract';
import type { FieldErrors } from './form';
import { sentence } from './form';

/** What each score component means, and what raising its weight does, for a line supervisor. */
export const COMPONENT_EXPLAINED: Record<DelegationComponent, string> = {
  capability:
    'How closely the agent’s skill levels match what the task asks for. Raise it to keep your rare experts free for the work only they can do, instead of spending them on easy jobs.',
  success:
    'How likely the agent is to finish this type of task without a failure or rework, learned from its past results. Raise it when getting it right the first time matters most.',
  speed:
    'How soon the agent is expected to finish: the wait until it is free plus how long it usually takes. Raise it to push for throughput.',
  deadline:
    'The chance of finishing before the task’s deadline. Tasks without a deadline score full marks. Raise it when late work is costly.',
  load: 'How much free capacity the agent has right now. Raise it to spread work evenly and avoid queues at one agent.',
  zone: 'How close the agent works to where the task is. Raise it to cut walking and travel between stations.',
  cost: 'The expected cost of the work at the agent’s hourly rate (agents without a rate count as cheapest). Raise it to favour cheaper agents.',
  fairness: 'People only: whoever has had the least work lately scores highest. Raise it to share work more evenly between people.',
};

export const WEIGHT_MIN = 0;
export const WEIGHT_MAX = 1;
/** The exploration rate is typed as a percentage of decisions: 0 to 50 %. */
export const EXPLORATION_MAX_PERCENT = 50;
export const OFFER_MINUTES_MAX = 24 * 60;
/** The pull margin is typed as points of a 100-point score: 0 to 50. */
export const PULL_MARGIN_MAX_POINTS = Math.round(PULL_MARGIN_MAX * 100);

export type WeightDraft = Record<DelegationComponent, string>;

/** 0.3 -> "0.3", 0.123456 -> "0.123": short, and exact enough for a weight. */
export function formatWeight(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

export function weightDraft(weights: DelegationWeights): WeightDraft {
  return Object.fromEntries(DELEGATION_COMPONENTS.map((name) => [name, formatWeight(weights[name])])) as WeightDraft;
}

/** A weight as typed: a number from 0 to 1 (a comma works as the decimal mark); null when it is not one. */
export function readWeight(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= WEIGHT_MIN && value <= WEIGHT_MAX ? value : null;
}

const WEIGHT_ERROR = 'Enter a number from 0 to 1, e.g. 0.25.';

/**
 * The last valid value of each weight after `name` was typed as `text`: updated when the text
 * reads as a weight, kept otherwise, so a slider and its bar hold still (never drop to 0) while
 * the box holds "5" or "abc".
 */
export function rememberWeight<K extends string>(lastValid: Readonly<Record<K, number>>, name: K, text: string): Record<K, number> {
  const value = readWeight(text);
  return value === null || value === lastValid[name] ? { ...lastValid } : { ...lastValid, [name]: value };
}

/** What the sliders and bars show: each weight as typed when it reads as one, else its last valid value. */
export function previewWeights(draft: WeightDraft, lastValid: Readonly<Record<DelegationComponent, number>>): Record<DelegationComponent, number> {
  return Object.fromEntries(DELEGATION_COMPONENTS.map((name) => [name, readWeight(draft[name]) ?? lastValid[name]])) as Record<DelegationComponent, number>;
}

/**
 * The messages to show: a field's own once it has been left (then live, so it goes away as soon as
 * the text is right), every one after a save was tried. The form's own message only after a save.
 */
export function visibleErrors<K extends string>(errors: FieldErrors<K | 'form'>, left: ReadonlySet<K>, submitted: boolean): FieldErrors<K | 'form'> {
  if (submitted) return errors;
  const out: FieldErrors<K | 'form'> = {};
  for (const name of left) if (errors[name] !== undefined) out[name] = errors[name];
  return out;
}

/** How many of `fields` have a message, and the first of them in that order (where focus goes on a failed save). */
export function invalidFields<K extends string>(errors: FieldErrors<K | 'form'>, fields: readonly K[]): { count: number; first: K | null } {
  const invalid = fields.filter((name) => errors[name] !== undefined);
  return { count: invalid.length, first: invalid[0] ?? null };
}

/** Beside the Save button after a save that was refused in the form: how many fields to fix. */
export function fieldsToFixText(count: number): string {
  return count === 1 ? 'Not saved: 1 field needs fixing.' : `Not saved: ${count} fields need fixing.`;
}

/** Each component's share of the total weight (what part of the score it decides); all 0 when the total is 0. */
export function weightShares(weights: Readonly<Record<DelegationComponent, number>>): Record<DelegationComponent, number> {
  const total = DELEGATION_COMPONENTS.reduce((sum, name) => sum + Math.max(0, weights[name]), 0);
  return Object.fromEntries(DELEGATION_COMPONENTS.map((name) => [name, total > 0 ? Math.max(0, weights[name]) / total : 0])) as Record<
    DelegationComponent,
    number
  >;
}

/** The default weights form -> the values to save, or the messages per component ('form': all of them). */
export function parseDefaultWeights(draft: WeightDraft): { weights: DelegationWeights | null; errors: FieldErrors<DelegationComponent | 'form'> } {
  const errors: FieldErrors<DelegationComponent | 'form'> = {};
  const weights: Partial<DelegationWeights> = {};
  for (const name of DELEGATION_COMPONENTS) {
    const value = readWeight(draft[name]);
    if (value === null) errors[name] = WEIGHT_ERROR;
    else weights[name] = value;
  }
  if (Object.keys(errors).length > 0) return { weights: null, errors };
  const full = weights as DelegationWeights;
  if (DELEGATION_COMPONENTS.every((name) => full[name] <= 0)) {
    errors.form = 'At least one weight must be above 0, or the engine has nothing to choose by.';
    return { weights: null, errors };
  }
  return { weights: full, errors };
}

/** The components whose value differs from `current`: what a save needs to send. */
export function changedWeights(next: DelegationWeights, current: DelegationWeights): Partial<DelegationWeights> {
  const out: Partial<DelegationWeights> = {};
  for (const name of DELEGATION_COMPONENTS) if (next[name] !== current[name]) out[name] = next[name];
  return out;
}

/** A task type's own weights as edited: each component either follows the default or has its own value. */
export interface TypeWeightsDraft {
  taskType: string;
  own: Record<DelegationComponent, { on: boolean; value: string }>;
}

export function typeWeightsDraft(taskType: string, own: Partial<DelegationWeights>, defaults: DelegationWeights): TypeWeightsDraft {
  return {
    taskType,
    own: Object.fromEntries(
      DELEGATION_COMPONENTS.map((name) => {
        const value = own[name];
        return [name, { on: value !== undefined, value: formatWeight(value ?? defaults[name]) }];
      }),
    ) as TypeWeightsDraft['own'],
  };
}

export type TypeWeightsField = DelegationComponent | 'taskType' | 'form';

/**
 * A task type's form -> the `delegation.setWeights` input that makes its own weights exactly these
 * (replace), or the messages. `isNew`: the type must not have its own weights yet.
 */
export function parseTypeWeights(
  draft: TypeWeightsDraft,
  context: { defaults: DelegationWeights; existingTypes: readonly string[]; isNew: boolean },
): { input: CallInput<'delegation.setWeights'> | null; errors: FieldErrors<TypeWeightsField> } {
  const errors: FieldErrors<TypeWeightsField> = {};
  const type = TaskType.safeParse(draft.taskType);
  if (!type.success) errors.taskType = sentence(type.error.issues[0]?.message ?? 'not a task type');
  else if (context.isNew && context.existingTypes.includes(type.data)) {
    errors.taskType = `${type.data} has its own weights already: edit it in the list.`;
  }
  const own: Partial<DelegationWeights> = {};
  for (const name of DELEGATION_COMPONENTS) {
    const entry = draft.own[name];
    if (!entry.on) continue;
    const value = readWeight(entry.value);
    if (value === null) errors[name] = WEIGHT_ERROR;
    else own[name] = value;
  }
  const ownCount = Object.keys(own).length;
  const anyInvalid = DELEGATION_COMPONENTS.some((name) => errors[name] !== undefined);
  if (!anyInvalid && ownCount === 0) {
    errors.form = 'Give this type at least one weight of its own (tick “Own value”), or use the defaults for it instead.';
  } else if (!anyInvalid && DELEGATION_COMPONENTS.every((name) => (own[name] ?? context.defaults[name]) <= 0)) {
    errors.form = 'At least one weight for this type must be above 0, or the engine has nothing to choose by.';
  }
  if (Object.keys(errors).length > 0 || !type.success) return { input: null, errors };
  return { input: { taskType: type.data, weights: own, replace: true }, errors };
}

/** Exploration, time zone, offer time and the weighing of pulls as typed. */
export interface TimingDraft {
  explorationPercent: string;
  timeZone: string;
  humanOfferMinutes: string;
  /** The pull margin in points of 100 (0.05 -> 5). */
  pullMarginPoints: string;
  pullHoldSeconds: string;
}
export type TimingField = keyof TimingDraft;

export function timingDraft(settings: DelegationSettings): TimingDraft {
  return {
    explorationPercent: String(Math.round(settings.explorationRate * 1000) / 10),
    timeZone: settings.timeZone,
    humanOfferMinutes: String(settings.humanOfferMinutes),
    pullMarginPoints: String(marginPoints(settings.pullMargin)),
    pullHoldSeconds: String(settings.pullHoldSeconds),
  };
}

/** A pull margin (0 to 0.5 of the score) as points of 100, to one decimal: 0.05 -> 5. */
export function marginPoints(margin: number): number {
  return Math.round(margin * 1000) / 10;
}

/** True for a time zone this runtime knows (IANA names such as Europe/Berlin, and UTC). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '' || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The timing form -> the `delegation.updateSettings` input with the fields that changed, or the messages. */
export function parseTiming(
  draft: TimingDraft,
  current: DelegationSettings,
  isTimeZone: (timeZone: string) => boolean = isKnownTimeZone,
): { input: CallInput<'delegation.updateSettings'> | null; errors: FieldErrors<TimingField> } {
  const errors: FieldErrors<TimingField> = {};
  const input: CallInput<'delegation.updateSettings'> = {};

  const percentText = draft.explorationPercent.trim().replace(',', '.');
  const percent = /^(\d+(\.\d*)?|\.\d+)$/.test(percentText) ? Number(percentText) : NaN;
  if (!(percent >= 0 && percent <= EXPLORATION_MAX_PERCENT)) {
    errors.explorationPercent = `Enter a percentage from 0 to ${EXPLORATION_MAX_PERCENT}, e.g. 5.`;
  } else {
    const rate = Math.round(percent * 10) / 1000;
    if (rate !== current.explorationRate) input.explorationRate = rate;
  }

  const timeZone = draft.timeZone.trim();
  if (timeZone === '') errors.timeZone = 'Enter the site’s time zone, e.g. Europe/Berlin.';
  else if (!isTimeZone(timeZone)) errors.timeZone = `“${timeZone}” is not a time zone this computer knows. Use a name such as Europe/Berlin, America/Chicago or UTC.`;
  else if (timeZone !== current.timeZone) input.timeZone = timeZone;

  const minutesText = draft.humanOfferMinutes.trim();
  const minutes = /^\d+$/.test(minutesText) ? Number(minutesText) : NaN;
  if (!(minutes >= 1 && minutes <= OFFER_MINUTES_MAX)) errors.humanOfferMinutes = `Enter whole minutes from 1 to ${OFFER_MINUTES_MAX}.`;
  else if (minutes !== current.humanOfferMinutes) input.humanOfferMinutes = minutes;

  const pointsText = draft.pullMarginPoints.trim().replace(',', '.');
  const points = /^(\d+(\.\d?)?|\.\d)$/.test(pointsText) ? Number(pointsText) : NaN;
  if (!(points >= 0 && points <= PULL_MARGIN_MAX_POINTS)) {
    errors.pullMarginPoints = `Enter points from 0 to ${PULL_MARGIN_MAX_POINTS}, at most one decimal, e.g. 5.`;
  } else {
    const margin = Math.round(points * 10) / 1000;
    if (margin !== current.pullMargin) input.pullMargin = margin;
  }

  const holdText = draft.pullHoldSeconds.trim();
  const hold = /^\d+$/.test(holdText) ? Number(holdText) : NaN;
  if (!(hold >= 0 && hold <= PULL_HOLD_SECONDS_MAX)) errors.pullHoldSeconds = `Enter whole seconds from 0 to ${PULL_HOLD_SECONDS_MAX}.`;
  else if (hold !== current.pullHoldSeconds) input.pullHoldSeconds = hold;

  return Object.keys(errors).length > 0 ? { input: null, errors } : { input, errors };
}

/** The rule for agents asking for work, in plain words, with the margin and hold time given. */
export function pullRuleText(margin: number, holdSeconds: number): string {
  if (holdSeconds === 0) return 'When an agent asks for work, it takes every task it qualifies for at once: tasks never wait for a better-fitting agent.';
  const better = margin === 0 ? 'fits it better at all' : `fits it better by more than ${marginPoints(margin)} points of 100`;
  return `When an agent asks for work, it takes a task unless a free agent ${better}; then the task waits for that agent at most ${holdSeconds} s.`;
}

/** "5 %" / "0.5 %" of decisions, for the read-out beside the slider. */
export function formatPercentOfDecisions(rate: number): string {
  const percent = Math.round(rate * 1000) / 10;
  return `${percent} %`;
}

/**
 * Which field a refusal from the host belongs to: `details.field` (the delegation service's own
 * checks) or the first zod issue's path; null when it belongs to the whole form.
 */
export function errorField(details: unknown): string | null {
  if (typeof details !== 'object' || details === null) return null;
  const record = details as { field?: unknown; issues?: unknown };
  if (typeof record.field === 'string') return record.field;
  if (Array.isArray(record.issues)) {
    const first = record.issues[0] as { path?: unknown } | undefined;
    if (first && typeof first.path === 'string' && first.path.length > 0) return first.path.split('.')[0] ?? null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Zone distances
// ---------------------------------------------------------------------------------------------

/** The distances a supervisor picks from, each with what it does to the zone points. */
export const ZONE_DISTANCE_LEVELS: ReadonlyArray<{ distance: number; label: string }> = [
  { distance: 0, label: 'Same place (0)' },
  { distance: 0.25, label: 'Near (0.25)' },
  { distance: 0.5, label: 'Medium (0.5)' },
  { distance: 1, label: 'Far (1)' },
];
/** A new row starts as near: the usual reason to add one. */
const NEW_ROW_DISTANCE = '0.25';

/** One row of the form: two zones and the distance (a level's value as text, or one set elsewhere). */
export interface ZoneDistanceRow {
  /** Stable while the row is edited (React key, where messages belong). */
  key: number;
  a: string;
  b: string;
  distance: string;
}
export type ZoneRowField = 'a' | 'b' | 'distance';
export interface ZoneDistanceErrors {
  rows: Record<number, FieldErrors<ZoneRowField>>;
  form?: string;
}

export function zoneDistanceRows(pairs: readonly ZoneDistance[] | undefined): ZoneDistanceRow[] {
  return (pairs ?? []).map((p, i) => ({ key: i + 1, a: p.a, b: p.b, distance: formatWeight(p.distance) }));
}

/** The rows with an empty one added at the end (a key no other row has). */
export function addZoneDistanceRow(rows: readonly ZoneDistanceRow[]): ZoneDistanceRow[] {
  const key = rows.reduce((max, r) => Math.max(max, r.key), 0) + 1;
  return [...rows, { key, a: '', b: '', distance: NEW_ROW_DISTANCE }];
}

/** The choices for a row's distance: the levels, plus its own value when it was set to another one (e.g. through the API). */
export function zoneDistanceOptions(distance: string): { value: string; label: string }[] {
  const options = ZONE_DISTANCE_LEVELS.map((l) => ({ value: formatWeight(l.distance), label: l.label }));
  const value = readWeight(distance);
  if (value !== null && !options.some((o) => o.value === formatWeight(value))) options.push({ value: formatWeight(value), label: `Other (${formatWeight(value)})` });
  return options;
}

/** What a distance means for an agent in the other zone, in words ("75 % of the zone points"). */
export function zonePointsText(distance: string): string {
  const value = readWeight(distance);
  if (value === null) return '';
  if (value === 0) return 'Full zone points, as in the task’s own zone';
  if (value === 1) return 'No zone points, as if not listed';
  return `${Math.round((1 - value) * 100)} % of the zone points`;
}

/** The same table, in the same order. */
export function sameZoneDistances(a: readonly ZoneDistance[] | undefined, b: readonly ZoneDistance[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((p, i) => p.a === y[i]!.a && p.b === y[i]!.b && p.distance === y[i]!.distance);
}

function zoneError(text: string): string | undefined {
  if (text.trim() === '') return 'Enter a zone, or remove the row.';
  const parsed = ZoneName.safeParse(text);
  return parsed.success ? undefined : sentence(parsed.error.issues[0]?.message ?? 'not a zone name');
}

/**
 * The zone distances form -> the whole table for `delegation.updateSettings` (null while a row
 * is wrong), whether it differs from `current`, and the messages per row and for the table.
 */
export function parseZoneDistances(
  rows: readonly ZoneDistanceRow[],
  current: readonly ZoneDistance[] | undefined,
): { pairs: ZoneDistance[] | null; changed: boolean; errors: ZoneDistanceErrors } {
  const errors: ZoneDistanceErrors = { rows: {} };
  const pairs: ZoneDistance[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowErrors: FieldErrors<ZoneRowField> = {};
    const a = row.a.trim();
    const b = row.b.trim();
    const aError = zoneError(row.a);
    const bError = zoneError(row.b);
    if (aError) rowErrors.a = aError;
    if (bError) rowErrors.b = bError;
    if (!aError && !bError) {
      if (a === b) rowErrors.b = 'Pick another zone: a zone is always at distance 0 from itself.';
      else {
        const key = JSON.stringify(a < b ? [a, b] : [b, a]);
        const first = seen.get(key);
        if (first !== undefined) rowErrors.b = `${a} and ${b} are in row ${first + 1} already.`;
        else seen.set(key, index);
      }
    }
    const distance = readWeight(row.distance);
    if (distance === null) rowErrors.distance = 'Choose how far apart they are.';
    if (Object.keys(rowErrors).length > 0) errors.rows[row.key] = rowErrors;
    else pairs.push({ a, b, distance: distance! });
  });
  if (rows.length > ZONE_DISTANCES_MAX) errors.form = `At most ${ZONE_DISTANCES_MAX} pairs of zones: remove ${rows.length - ZONE_DISTANCES_MAX}.`;
  if (errors.form || Object.keys(errors.rows).length > 0) return { pairs: null, changed: true, errors };
  return { pairs, changed: !sameZoneDistances(pairs, current), errors };
}

/** Zones to suggest: those agents are in and those in the table, each once, sorted. */
export function zoneSuggestions(agents: ReadonlyArray<{ zone: string | null }>, pairs: readonly ZoneDistance[] | undefined): string[] {
  const zones = new Set<string>();
  for (const a of agents) if (a.zone) zones.add(a.zone);
  for (const p of pairs ?? []) zones.add(p.a).add(p.b);
  return [...zones].sort((x, y) => x.localeCompare(y));
}

/** The same zone written another way: the same letters once capitals and surrounding spaces are set aside. */
function zoneKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Warnings (not refusals) for zone names in the form that differ from another spelling only in
 * capitals or surrounding spaces: zone names match exactly, so "cell a" is not "Cell A". An agent's
 * zone is the spelling to follow; a zone no agent is in follows its first spelling in the table.
 * Per row key and field; a name spelled as the one to follow gets none.
 */
export function zoneNameWarnings(
  rows: readonly ZoneDistanceRow[],
  agents: ReadonlyArray<{ name: string; zone: string | null }>,
): Record<number, Partial<Record<'a' | 'b', string>>> {
  const agentZones = new Map<string, Map<string, string[]>>();
  for (const agent of agents) {
    if (!agent.zone) continue;
    const spellings = agentZones.get(zoneKey(agent.zone)) ?? new Map<string, string[]>();
    spellings.set(agent.zone, [...(spellings.get(agent.zone) ?? []), agent.name]);
    agentZones.set(zoneKey(agent.zone), spellings);
  }
  const firstInTable = new Map<string, { name: string; row: number }>();
  const warnings: Record<number, Partial<Record<'a' | 'b', string>>> = {};
  const RULE = 'zone names must match exactly, capitals and spaces included.';
  rows.forEach((row, index) => {
    for (const field of ['a', 'b'] as const) {
      const name = row[field].trim();
      if (name === '') continue;
      const key = zoneKey(name);
      const spellings = agentZones.get(key);
      let warning: string | undefined;
      if (spellings) {
        if (!spellings.has(name)) {
          const [zone, names] = [...spellings.entries()][0]!;
          const who = names.length === 1 ? names[0]! : `${names[0]} and ${names.length - 1} more`;
          warning = `Not the same as “${zone}”, the zone ${who} ${names.length === 1 ? 'is' : 'are'} in: ${RULE}`;
        }
      } else {
        const first = firstInTable.get(key);
        if (!first) firstInTable.set(key, { name, row: index + 1 });
        else if (first.name !== name) warning = `Not the same as “${first.name}” in row ${first.row}: ${RULE}`;
      }
      if (warning) warnings[row.key] = { ...warnings[row.key], [field]: warning };
    }
  });
  return warnings;
}
