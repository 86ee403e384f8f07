// Feasibility: may this agent take this task now? Either yes, or every rule that says no, each
// with a reason in plain words for "Why not X?". Pure: the time is passed in, times are written
// in the site's time zone (UTC unless told). isFeasible() is the same test without the strings.
import type { DelegationAgent, DelegationTask, TimeWindow } from './types';

export type RuleCode =
  | 'status'
  | 'kind'
  | 'excluded'
  | 'skill'
  | 'certification'
  | 'capacity'
  | 'maintenance'
  | 'shift'
  | 'break'
  | 'zone';

export interface ExclusionRule {
  rule: RuleCode;
  /** Plain words: "Weld level 2 < required 3". */
  reason: string;
  /** When the rule stops applying on its own (end of a break, next shift), if known. */
  until?: number;
}

export type Feasibility = { feasible: true; rules: readonly [] } | { feasible: false; rules: ExclusionRule[] };

export interface FeasibilityOptions {
  /** IANA time zone for clock times in reasons; default 'UTC'. */
  timeZone?: string;
}

const FEASIBLE: Feasibility = { feasible: true, rules: [] };

const formatters = new Map<string, { time: Intl.DateTimeFormat; date: Intl.DateTimeFormat }>();

function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = {
      time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      date: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    };
    formatters.set(timeZone, f);
  }
  return f;
}

// Intl formatting costs microseconds a call and a decision can write hundreds of reasons, most
// with the same few times (shift ends, break ends): remember recent answers.
const memo = new Map<string, string>();
function remembered(key: string, make: () => string): string {
  let v = memo.get(key);
  if (v === undefined) {
    if (memo.size > 4096) memo.clear();
    v = make();
    memo.set(key, v);
  }
  return v;
}

/** "2026-11-01" in the time zone. */
export function formatDate(ms: number, timeZone = 'UTC'): string {
  const minute = Math.floor(ms / 60_000);
  return remembered(`d|${timeZone}|${minute}`, () => formatter(timeZone).date.format(minute * 60_000));
}

/** "10:30", or "2026-11-02 06:00" when `ms` is on another day than `now`. */
export function formatClock(ms: number, now: number, timeZone = 'UTC'): string {
  const f = formatter(timeZone);
  const minute = Math.floor(ms / 60_000);
  const time = remembered(`t|${timeZone}|${minute}`, () => f.time.format(minute * 60_000));
  const day = formatDate(ms, timeZone);
  return day === formatDate(now, timeZone) ? time : `${day} ${time}`;
}

/** "Weld" from "weld"; skill names are site words, shown as written otherwise. */
export function skillLabel(skill: string): string {
  return skill.length === 0 ? skill : skill[0]!.toUpperCase() + skill.slice(1);
}

const KIND_WORDS: Record<string, string> = { robot: 'robots', software: 'software agents', human: 'people' };

function within(windows: readonly TimeWindow[] | undefined, now: number): TimeWindow | null {
  if (!windows) return null;
  for (const w of windows) if (now >= w.start && now < w.end) return w;
  return null;
}

function nextStart(windows: readonly TimeWindow[], now: number): number | null {
  let best: number | null = null;
  for (const w of windows) if (w.start > now && (best === null || w.start < best)) best = w.start;
  return best;
}

/** True when every required skill is held at or above its level. */
export function meetsSkills(agent: Pick<DelegationAgent, 'skills'>, requires: Readonly<Record<string, number>> | undefined): boolean {
  if (!requires) return true;
  for (const skill in requires) {
    if ((agent.skills[skill] ?? 0) < requires[skill]!) return false;
  }
  return true;
}

function certificationsValid(agent: DelegationAgent, names: readonly string[], now: number): boolean {
  if (agent.kind !== 'human') return true;
  for (const name of names) {
    const cert = agent.certifications?.find((c) => c.name === name);
    if (!cert || (cert.expiresAt != null && cert.expiresAt <= now)) return false;
  }
  return true;
}

/** The rules about the agent alone (status, capacity, time windows): true when none says no. */
export function isAgentOpen(agent: DelegationAgent, now: number): boolean {
  if (agent.status !== 'available' || agent.load >= agent.capacity) return false;
  if (within(agent.maintenance, now) || within(agent.breaks, now)) return false;
  if (agent.shifts && agent.shifts.length > 0 && !within(agent.shifts, now)) return false;
  return true;
}

/** The rules about the task against the agent's qualifications (kind, exclusion, skills, certifications, strict zone). */
export function isQualified(task: DelegationTask, agent: DelegationAgent, now: number): boolean {
  return meetsSkills(agent, task.requires) && isQualifiedBesidesSkills(task, agent, now);
}

/** isQualified without the skill levels (for callers that matched skills their own way). */
export function isQualifiedBesidesSkills(task: DelegationTask, agent: DelegationAgent, now: number): boolean {
  if (task.kinds && task.kinds.length > 0 && !task.kinds.includes(agent.kind)) return false;
  if (task.excluded && task.excluded.length > 0 && task.excluded.some((e) => e.agentId === agent.id)) return false;
  if (task.certifications && task.certifications.length > 0 && !certificationsValid(agent, task.certifications, now)) return false;
  if (task.zoneStrict && task.zone != null && agent.zone !== task.zone) return false;
  return true;
}

/** checkFeasibility(...).feasible without building reasons: the hot path. */
export function isFeasible(task: DelegationTask, agent: DelegationAgent, now: number): boolean {
  return isAgentOpen(agent, now) && isQualified(task, agent, now);
}

/** Feasible, or every rule that excludes the agent, in a fixed order (status first). */
export function checkFeasibility(
  task: DelegationTask,
  agent: DelegationAgent,
  now: number,
  options: FeasibilityOptions = {},
): Feasibility {
  if (isFeasible(task, agent, now)) return FEASIBLE;
  const tz = options.timeZone ?? 'UTC';
  const rules: ExclusionRule[] = [];

  if (agent.status !== 'available') rules.push({ rule: 'status', reason: `Status: ${agent.status}` });

  if (task.kinds && task.kinds.length > 0 && !task.kinds.includes(agent.kind)) {
    const words = task.kinds.map((k) => KIND_WORDS[k] ?? k);
    rules.push({ rule: 'kind', reason: `Only ${words.join(' or ')} may take this task` });
  }

  const excluded = task.excluded?.find((e) => e.agentId === agent.id);
  if (excluded) rules.push({ rule: 'excluded', reason: `Excluded: ${excluded.reason?.trim() || 'by a supervisor'}` });

  if (task.requires) {
    for (const skill of Object.keys(task.requires).sort()) {
      const need = task.requires[skill]!;
      const have = agent.skills[skill];
      if (have === undefined || have <= 0) {
        rules.push({ rule: 'skill', reason: `No ${skillLabel(skill)} skill (required level ${need})` });
      } else if (have < need) {
        rules.push({ rule: 'skill', reason: `${skillLabel(skill)} level ${have} < required ${need}` });
      }
    }
  }

  if (agent.kind === 'human' && task.certifications) {
    for (const name of task.certifications) {
      const cert = agent.certifications?.find((c) => c.name === name);
      if (!cert) rules.push({ rule: 'certification', reason: `No certification '${name}'` });
      else if (cert.expiresAt != null && cert.expiresAt <= now) {
        rules.push({ rule: 'certification', reason: `Certification '${name}' expired on ${formatDate(cert.expiresAt, tz)}` });
      }
    }
  }

  if (agent.load >= agent.capacity) rules.push({ rule: 'capacity', reason: `At capacity ${agent.load}/${agent.capacity}` });

  const maintenance = within(agent.maintenance, now);
  if (maintenance) {
    rules.push({ rule: 'maintenance', reason: `In maintenance until ${formatClock(maintenance.end, now, tz)}`, until: maintenance.end });
  }

  if (agent.shifts && agent.shifts.length > 0 && !within(agent.shifts, now)) {
    const next = nextStart(agent.shifts, now);
    rules.push(
      next === null
        ? { rule: 'shift', reason: 'Off shift (no shift ahead)' }
        : { rule: 'shift', reason: `Off shift until ${formatClock(next, now, tz)}`, until: next },
    );
  }

  const onBreak = within(agent.breaks, now);
  if (onBreak) rules.push({ rule: 'break', reason: `On a break until ${formatClock(onBreak.end, now, tz)}`, until: onBreak.end });

  if (task.zoneStrict && task.zone != null && agent.zone !== task.zone) {
    rules.push({
      rule: 'zone',
      reason: agent.zone ? `In zone ${agent.zone}; task needs zone ${task.zone}` : `Zone unknown; task needs zone ${task.zone}`,
    });
  }

  return { feasible: false, rules };
}
