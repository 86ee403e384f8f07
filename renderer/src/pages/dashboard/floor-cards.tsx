// The dashboard's floor at a glance: "Work now" (tasks by what they wait for; a tile opens the Tasks
// page filtered to it), "The last hour" (finished per minute as a chart, with the totals in words)
// and "Agents now" (the fleet by status, the slots in use, who is stopped and why). Refreshed every
// 5 s; agents also as they change.
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AgentKind, TaskPriority } from '../../../../preload/contract';
import { AGENT_STATUS_LABELS, AgentStatusBadge } from '../../components/agent-badges';
import { Card } from '../../components/card';
import { LoadState } from '../../components/page-header';
import { TASK_PRIORITY_LABELS } from '../../components/task-badges';
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

function showTasks(group: WorkGroup | { states: WorkGroup['states'] }, priorities: TaskPriority[] = []) {
  useTaskViewStore.getState().setFilters({ ...DEFAULT_TASK_FILTERS, states: group.states, priorities, sort: 'priority', order: 'asc' });
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
              title={`${g.hint}. Open these tasks.`}
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
            <XAxis dataKey="label" tick={AXIS} interval="preserveStartEnd" minTickGap={28} />
            <YAxis tick={AXIS} allowDecimals={false} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="succeeded" name="Succeeded" stackId="f" fill="#2da44e" isAnimationActive={false} />
            <Bar dataKey="retried" name="Failed, will retry" stackId="f" fill="#d4a72c" isAnimationActive={false} />
            <Bar dataKey="dead" name="Dead" stackId="f" fill="#d1242f" isAnimationActive={false} />
            <Bar dataKey="cancelled" name="Cancelled" stackId="f" fill="#8c959f" isAnimationActive={false} />
            <Line dataKey="created" name="Created" type="monotone" stroke="#1d5c94" strokeWidth={1.5} dot={false} isAnimationActive={false} />
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
  const fleet = agents.data ? fleetNow(agents.data.agents) : null;
  return (
    <Card title="Agents now" className="floor-card" actions={<a href={routeHref('agents')}>Open agents</a>}>
      <LoadState loading={agents.isPending} error={agents.error}>
        {fleet && fleet.total === 0 && <p className="muted">No agents yet. Add robots, software agents and people on the Agents page.</p>}
        {fleet && fleet.total > 0 && (
          <div className="floor">
            <p className="floor__summary">
              <strong>{fleet.total}</strong> {fleet.total === 1 ? 'agent' : 'agents'} ({kinds(fleet)}): <strong>{count(fleet.slots.used)}</strong> of the{' '}
              {count(fleet.slots.capacity)} task slots of those that can work now in use.
            </p>
            <ul className="floor__statuses">
              {fleet.byStatus.map((s) => (
                <li key={s.status} className={s.count === 0 ? 'muted' : undefined}>
                  <span className={`status-dot status-dot--${s.status}`} aria-hidden="true" />
                  {AGENT_STATUS_LABELS[s.status]} <strong>{s.count}</strong>
                </li>
              ))}
            </ul>
            {fleet.stopped.length > 0 && (
              <div className="floor__stopped">
                <span className="floor__priorities-title">Not taking work</span>
                <ul>
                  {fleet.stopped.slice(0, 5).map((a) => (
                    <li key={a.id}>
                      {a.name} <AgentStatusBadge status={a.status} />
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
