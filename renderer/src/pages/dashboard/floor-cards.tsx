// The dashboard's floor at a glance: "Work now" (tasks by what they wait for; a tile opens the Tasks
// page filtered to it), "The last hour" (finished per minute as a chart, with the totals in words)
// and "Agents now" (the fleet by status, the slots in use, who is stopped and why). Refreshed every
// 5 s; agents also as they change.
import { useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AgentKind, CallOutput, TaskPriority } from '../../../../preload/contract';
import { AGENT_STATUS_LABELS, AgentLiveStatusBadge } from '../../components/agent-badges';
import { Card } from '../../components/card';
import { LoadState } from '../../components/page-header';
import { PriorityBadge, TASK_PRIORITY_LABELS, TASK_STATE_LABELS } from '../../components/task-badges';
import { formatAgo } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { fleetNow, lastHour, workNow, type FleetNow, type TaskOverview, type WorkGroup } from '../../lib/floor';
import { useCall } from '../../query/call-hooks';
import { routeHref } from '../../state/route';
import { DEFAULT_TASK_FILTERS, useTaskViewStore } from '../../state/task-view-store';

const REFRESH_MS = 5000;
const AXIS = { fontSize: 11, fill: '#3d4854' };
const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
const count = (n: number) => n.toLocaleString();
const rate = (n: number) => (n === 0 ? '0' : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString());

export function FloorCards() {
  const overview = useCall('tasks.overview', {}, { refetchInterval: REFRESH_MS });
  return (
    <>
      <Card title="Work now" className="floor-card floor-card--wide" actions={<a href={routeHref('tasks')}>Open tasks</a>}>
        <LoadState loading={overview.isPending} error={overview.error}>
          {overview.data && <WorkNowBody overview={overview.data} />}
        </LoadState>
      </Card>
      <Card title="The last hour" className="floor-card">
        <LoadState loading={overview.isPending} error={overview.error}>
          {overview.data && <LastHourBody overview={overview.data} />}
        </LoadState>
      </Card>
      <AgentsNowCard />
    </>
  );
}

/** Opens the Tasks page on these tasks: the filters are replaced, the sort the user chose is kept. */
function showTasks(group: WorkGroup | { states: WorkGroup['states'] }, priorities: TaskPriority[] = [], type = '') {
  const { filters, setFilters } = useTaskViewStore.getState();
  setFilters({ ...DEFAULT_TASK_FILTERS, states: group.states, priorities, type, sort: filters.sort, order: filters.order });
}

function WorkNowBody({ overview }: { overview: TaskOverview }) {
  const work = workNow(overview);
  const ready = work.groups.find((g) => g.key === 'ready')!;
  return (
    <div className="floor">
      <ul className="floor__tiles">
        {work.groups.map((g) => (
          <li key={g.key}>
            <a
              className={`floor-tile floor-tile--${g.key}${g.count === 0 ? ' floor-tile--none' : ''}`}
              href={routeHref('tasks')}
              title={`${g.hint}. Open these tasks (state ${g.states.map((state) => TASK_STATE_LABELS[state]).join(' or ')} on the Tasks page).`}
              onClick={() => showTasks(g)}
            >
              <span className="floor-tile__count">{count(g.count)}</span>
              <span className="floor-tile__label">{g.label}</span>
            </a>
          </li>
        ))}
      </ul>
      <div className="floor__priorities">
        <span className="floor__priorities-title">Waiting for an agent, by priority</span>
        {ready.count === 0 ? (
          <span className="muted">Nothing is waiting for an agent.</span>
        ) : (
          <>
            <span className="stack-bar" role="img" aria-label={work.readyByPriority.map((p) => `${TASK_PRIORITY_LABELS[p.priority]} ${p.count}`).join(', ')}>
              {work.readyByPriority
                .filter((p) => p.count > 0)
                .map((p) => (
                  <span key={p.priority} className={`stack-bar__part stack-bar__part--${p.priority}`} style={{ width: `${(100 * p.count) / ready.count}%` }} />
                ))}
            </span>
            <span className="floor__legend">
              {work.readyByPriority.map((p) => (
                <a key={p.priority} href={routeHref('tasks')} className={`legend-item${p.count === 0 ? ' legend-item--none' : ''}`} onClick={() => showTasks(ready, [p.priority])}>
                  <span className={`legend-swatch stack-bar__part--${p.priority}`} aria-hidden="true" />
                  {TASK_PRIORITY_LABELS[p.priority]} <strong>{count(p.count)}</strong>
                </a>
              ))}
            </span>
          </>
        )}
      </div>
      <StuckWork waiting={ready.count} />
      <p className="floor__finished">
        Finished and still kept: <strong>{count(work.finished.succeeded)}</strong> succeeded, <strong>{count(work.finished.dead)}</strong> dead (attempts used up),{' '}
        <strong>{count(work.finished.cancelled)}</strong> cancelled.{' '}
        <a href={routeHref('tasks')} onClick={() => showTasks({ states: ['dead'] })}>
          Show the dead ones
        </a>
      </p>
    </div>
  );
}

type StuckWorkDto = CallOutput<'delegation.stuckWork'>;
const STUCK_SHOWN = 4;

/** "Not connected (last heard from 13:35): welder-1, welder-2 · Status: fault: painter": one line per reason. */
function agentsByWhy(agents: StuckWorkDto['kinds'][number]['agents']): string {
  const byWhy = new Map<string, string[]>();
  for (const a of agents) byWhy.set(a.why, [...(byWhy.get(a.why) ?? []), a.name]);
  return [...byWhy].map(([why, names]) => `${names.join(', ')}: ${why}`).join(' · ');
}

/** Waiting work no agent can take now, and why (delegation.stuckWork): the first thing to act on. */
function StuckWork({ waiting }: { waiting: number }) {
  const stuck = useCall('delegation.stuckWork', {}, { refetchInterval: REFRESH_MS });
  const [all, setAll] = useState(false);
  if (!stuck.data || waiting === 0) return null;
  const data: StuckWorkDto = stuck.data;
  const shown = all ? data.kinds : data.kinds.slice(0, STUCK_SHOWN);
  const hidden = data.kinds.length - shown.length;
  if (data.kinds.length === 0) return <p className="floor__ok">Every task waiting for an agent has one that can take it now or once it is free.</p>;
  return (
    <div className="stuck" role="region" aria-label="Waiting work no agent can take now">
      <span className="floor__priorities-title stuck__title">
        No agent can take now: {count(data.stuck)} of {count(data.waiting)} waiting {data.waiting === 1 ? 'task' : 'tasks'}
      </span>
      <ul className="stuck__list">
        {shown.map((k) => (
          <li key={`${k.type}|${JSON.stringify(k.requires)}|${k.tags.join(',')}`} className={`stuck__item stuck__item--${k.reason}`}>
            <div className="stuck__head">
              <PriorityBadge priority={k.priority} />
              <strong>
                {count(k.count)} × <code>{k.type}</code>
              </strong>
              {Object.keys(k.requires).length > 0 && (
                <span className="muted">
                  needs{' '}
                  {Object.entries(k.requires)
                    .map(([skill, level]) => `${skill} ${level}`)
                    .join(', ')}
                </span>
              )}
              {k.tags.length > 0 && <span className="muted">{k.tags.join(' ')}</span>}
              <span className="muted">oldest created {formatAgo(k.oldestCreatedAt, data.at)}</span>
              <a href={routeHref('tasks')} className="stuck__open" onClick={() => showTasks({ states: ['ready'] }, [], k.type)}>
                Show tasks
              </a>
            </div>
            <p className="stuck__why">
              {k.reason === 'nobody' ? 'Nobody could take it: ' : ''}
              {k.text}
              {k.agents.length > 0 && <> {agentsByWhy(k.agents)}</>}
            </p>
          </li>
        ))}
      </ul>
      {hidden > 0 && (
        <button type="button" className="link-button" onClick={() => setAll(true)}>
          Show {hidden} more {hidden === 1 ? 'kind' : 'kinds'} of work
        </button>
      )}
      {all && data.more > 0 && <p className="muted">and {data.more} more kinds of work (fewer tasks or less urgent).</p>}
    </div>
  );
}

function LastHourBody({ overview }: { overview: TaskOverview }) {
  const hour = lastHour(overview, time);
  const t = hour.totals;
  const failedAttempts = t.failed + t.timedOut;
  return (
    <div className="floor">
      <p className="floor__summary">
        <strong>{count(t.succeeded)}</strong> succeeded, <strong>{count(t.created)}</strong> created, {rate(hour.perMinute)} finished a minute
        {hour.countingSince !== null && <> (counting since the host started at {time(hour.countingSince)})</>}.{' '}
        {failedAttempts === 0 ? (
          'No attempt failed.'
        ) : (
          <>
            <strong>{count(failedAttempts)}</strong> {failedAttempts === 1 ? 'attempt' : 'attempts'} failed
            {t.timedOut > 0 && <>, {count(t.timedOut)} of them ran too long</>}
            {t.leaseExpired > 0 && <>, {count(t.leaseExpired)} lost their agent (no heartbeat)</>}; <strong>{count(t.dead)}</strong> {t.dead === 1 ? 'task' : 'tasks'} ended dead.
          </>
        )}
      </p>
      <figure className="floor__chart" aria-label="Tasks finished per minute over the last hour">
        <ResponsiveContainer width="100%" height={190}>
          <ComposedChart data={hour.points} margin={{ top: 6, right: 8, bottom: 0, left: -18 }} barCategoryGap={1}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={AXIS} ticks={hour.points.filter((p) => new Date(p.at).getMinutes() % 10 === 0).map((p) => p.label)} />
            <YAxis tick={AXIS} allowDecimals={false} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="succeeded" name="Succeeded" stackId="f" fill="#2da44e" isAnimationActive={false} />
            <Bar dataKey="retried" name="Failed, will retry" stackId="f" fill="#d4a72c" isAnimationActive={false} />
            <Bar dataKey="dead" name="Dead" stackId="f" fill="#d1242f" isAnimationActive={false} />
            <Bar dataKey="cancelled" name="Cancelled" stackId="f" fill="#8c959f" isAnimationActive={false} />
            <Line dataKey="created" name="Created" type="linear" stroke="#1d5c94" strokeWidth={1.5} dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}

const KIND_WORDS: Record<AgentKind, [string, string]> = { robot: ['robot', 'robots'], software: ['software agent', 'software agents'], human: ['person', 'people'] };

function kinds(fleet: FleetNow): string {
  return fleet.byKind
    .filter((k) => k.count > 0)
    .map((k) => `${k.count} ${KIND_WORDS[k.kind][k.count === 1 ? 0 : 1]}`)
    .join(', ');
}

function AgentsNowCard() {
  const agents = useCall('agents.list', {}, { refetchInterval: 15_000 });
  const now = useNow(5000);
  const fleet = agents.data ? fleetNow(agents.data.agents, now) : null;
  return (
    <Card title="Agents now" className="floor-card" actions={<a href={routeHref('agents')}>Open agents</a>}>
      <LoadState loading={agents.isPending} error={agents.error}>
        {fleet && fleet.total === 0 && <p className="muted">No agents yet. Add robots, software agents and people on the Agents page.</p>}
        {fleet && fleet.total > 0 && (
          <div className="floor">
            <p className="floor__summary">
              <strong>{fleet.total}</strong> {fleet.total === 1 ? 'agent' : 'agents'} ({kinds(fleet)}):{' '}
              {fleet.slots.capacity === 0 ? (
                'none of them can take work now.'
              ) : (
                <>
                  <strong>{count(fleet.slots.used)}</strong> of the {count(fleet.slots.capacity)} task slots of those that can work now in use.
                </>
              )}
            </p>
            <ul className="floor__statuses">
              {fleet.byStatus.map((s) => (
                <li key={s.status} className={s.count === 0 ? 'muted' : undefined}>
                  <span className={`status-dot status-dot--${s.status}`} aria-hidden="true" />
                  {AGENT_STATUS_LABELS[s.status]} <strong>{s.count}</strong>
                </li>
              ))}
              <li className={fleet.unheard === 0 ? 'muted' : undefined} title="Available by their status, but not heard from lately">
                <span className="status-dot status-dot--offline" aria-hidden="true" />
                Not connected <strong>{fleet.unheard}</strong>
              </li>
            </ul>
            {fleet.stopped.length > 0 && (
              <div className="floor__stopped">
                <span className="floor__priorities-title">Not taking work</span>
                <ul>
                  {fleet.stopped.slice(0, 5).map(({ agent: a, unheard }) => (
                    <li key={a.id}>
                      {a.name} <AgentLiveStatusBadge agent={a} now={now} />
                      {unheard && a.lastSeenAt !== null && <span className="muted"> last heard {formatAgo(a.lastSeenAt, now)}</span>}
                    </li>
                  ))}
                  {fleet.stopped.length > 5 && <li className="muted">and {fleet.stopped.length - 5} more</li>}
                </ul>
              </div>
            )}
          </div>
        )}
      </LoadState>
    </Card>
  );
}
