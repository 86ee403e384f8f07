// Renders a recorded Explanation as the plain-English sentences behind "Why this agent?" and
// "Why not X?". Pure functions of the explanation alone, so the renderer can run them on a stored
// decision without asking the engine anything.
import type { RuleCode } from './feasibility';
import type { CandidateExplanation, ComponentName, Explanation } from './scoring';
import { COMPONENTS } from './scoring';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

const pct = (p: number) => `${Math.round(p * 100)}%`;
const score = (x: number) => x.toFixed(2);
const money = (x: number) => x.toFixed(2);
const finish = (c: CandidateExplanation) => c.predicted.waitMs + c.predicted.durationMs;

/** Weighted gap a - b per component, as a share of the total weight. */
function gaps(e: Explanation, a: CandidateExplanation, b: CandidateExplanation): { name: ComponentName; gap: number }[] {
  let wsum = 0;
  for (const n of COMPONENTS) wsum += Math.max(0, e.weights[n]);
  if (wsum === 0) return [];
  return COMPONENTS.map((name) => ({ name, gap: (Math.max(0, e.weights[name]) * (a.components[name] - b.components[name])) / wsum }));
}

/** Why `a` is better than `b` on one component, as a noun phrase ("higher predicted success (96% vs 88%)"). */
function better(name: ComponentName, a: CandidateExplanation, b: CandidateExplanation): string {
  const pa = a.predicted;
  const pb = b.predicted;
  switch (name) {
    case 'success':
      return `higher predicted success (${pct(pa.success)} vs ${pct(pb.success)})`;
    case 'speed':
      return `a sooner expected finish (${formatDuration(finish(a))} vs ${formatDuration(finish(b))})`;
    case 'deadline':
      return `a better chance of meeting the deadline (${pct(pa.onTime ?? 1)} vs ${pct(pb.onTime ?? 1)})`;
    case 'capability':
      return 'a closer skill match (keeps scarcer higher-level agents free)';
    case 'load':
      return `a lighter load (${pa.load}/${pa.capacity} vs ${pb.load}/${pb.capacity})`;
    case 'zone':
      return pa.zone ? `a shorter way to the work (zone ${pa.zone} vs ${pb.zone ?? 'unknown'})` : 'a shorter way to the work';
    case 'cost':
      return pa.cost !== null && pb.cost !== null ? `a lower expected cost (${money(pa.cost)} vs ${money(pb.cost)})` : 'a lower expected cost';
    case 'fairness':
      return 'less recent work than other people';
  }
}

/** What a lone candidate is good at, in words. */
function strength(name: ComponentName, c: CandidateExplanation): string {
  const p = c.predicted;
  switch (name) {
    case 'success':
      return `predicted success ${pct(p.success)}`;
    case 'speed':
      return `expected to finish in ${formatDuration(finish(c))}`;
    case 'deadline':
      return `${pct(p.onTime ?? 1)} likely to meet the deadline`;
    case 'capability':
      return 'a close skill match';
    case 'load':
      return `load ${p.load}/${p.capacity}`;
    case 'zone':
      return p.zone ? `in zone ${p.zone}` : 'near the work';
    case 'cost':
      return p.cost !== null ? `expected cost ${money(p.cost)}` : 'low cost';
    case 'fairness':
      return 'fair share of work among people';
  }
}

function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

const RULE_WORDS: Record<RuleCode, string> = {
  status: 'not available',
  kind: 'not the kind of agent this task needs',
  excluded: 'excluded',
  skill: 'lacking a required skill level',
  certification: 'without a valid certification',
  capacity: 'at capacity',
  maintenance: 'in maintenance',
  shift: 'off shift',
  break: 'on a break',
  zone: 'in another zone',
};

/** Which rule names an agent kept out by several: what waiting will not fix comes first. */
const MAIN_RULE_ORDER: readonly RuleCode[] = ['kind', 'skill', 'certification', 'zone', 'excluded', 'status', 'maintenance', 'shift', 'break', 'capacity'];

/** "6 lacking a required skill level and 1 not available": each agent once, by its main rule, so the counts add up. */
function excludedSummary(e: Explanation): string {
  const counts = new Map<RuleCode, number>();
  for (const x of e.excluded) {
    const codes = new Set(x.rules.map((r) => r.rule));
    const main = MAIN_RULE_ORDER.find((code) => codes.has(code));
    if (main) counts.set(main, (counts.get(main) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n} ${RULE_WORDS[code]}`);
  return joinWords(parts);
}

function explorationNote(e: Explanation, w: CandidateExplanation): string {
  return (
    ` This was an exploration pick: the record of ${w.name} for ${e.taskType} is still thin ` +
    `(${w.predicted.evidence.toFixed(1)} recent outcomes), so the engine gave it a chance to learn from it. ` +
    'Critical tasks are never used for this.'
  );
}

/**
 * "Why this agent?" With `now`, the same for a choice worked out now rather than recorded ("would
 * be chosen now").
 */
export function whyThisAgent(e: Explanation, options: { now?: boolean } = {}): string {
  const chosen = options.now ? 'would be chosen now' : 'was chosen';
  const w = e.winner;
  if (!w) {
    if (e.excluded.length === 0) return 'No agent can take this task now: there are no agents to choose from.';
    return `No agent can take this task now: of ${e.excluded.length} agents, ${excludedSummary(e)}.`;
  }
  const r = e.runnerUp;
  let text: string;
  if (r) {
    const reasons = gaps(e, w, r)
      .filter((g) => g.gap > 0.002)
      .sort((a, b) => b.gap - a.gap)
      .slice(0, 3)
      .map((g) => better(g.name, w, r));
    text =
      `${w.name} ${chosen} with a score of ${score(w.total)} against ${score(r.total)} for the runner-up, ${r.name}` +
      (reasons.length > 0 ? `: ${joinWords(reasons)}.` : ' (nearly a tie).');
  } else {
    const top = COMPONENTS.filter((n) => e.weights[n] > 0)
      .sort((a, b) => e.weights[b] * w.components[b] - e.weights[a] * w.components[a])
      .slice(0, 2)
      .map((n) => strength(n, w));
    text = `${w.name} ${options.now ? 'would be chosen' : 'was chosen'} as the only agent that can take this task now (${joinWords(top)}).`;
  }
  if (e.explored) text += explorationNote(e, w);
  if (e.excluded.length > 0) text += ` ${e.excluded.length} other agent${e.excluded.length === 1 ? '' : 's'} could not take it: ${excludedSummary(e)}.`;
  return text;
}

/** "Why not X?" */
export function whyNotAgent(e: Explanation, agentId: string): string {
  const w = e.winner;
  if (w && w.agentId === agentId) return `${w.name} is the agent chosen for this task.`;
  const ex = e.excluded.find((x) => x.agentId === agentId);
  if (ex) return `${ex.name} could not take this task: ${ex.rules.map((r) => r.reason).join('; ')}.`;
  const c = e.candidates.find((x) => x.agentId === agentId);
  if (!c || !w) return `${agentId} was not among the agents considered for this task.`;
  const g = gaps(e, w, c);
  const worse = g
    .filter((x) => x.gap > 0.002)
    .sort((a, b) => b.gap - a.gap)
    .slice(0, 3)
    .map((x) => better(x.name, w, c));
  const upside = g
    .filter((x) => x.gap < -0.002)
    .sort((a, b) => a.gap - b.gap)
    .slice(0, 2)
    .map((x) => better(x.name, c, w).replace(/ \(.*\)$/, ''));
  let text = `${c.name} scored ${score(c.total)} against ${score(w.total)} for ${w.name}`;
  text += worse.length > 0 ? `, who has ${joinWords(worse)}.` : ' (nearly a tie).';
  if (upside.length > 0) text += ` ${c.name} has ${joinWords(upside)}, which did not outweigh that.`;
  if (e.explored) text += explorationNote(e, w);
  return text;
}
