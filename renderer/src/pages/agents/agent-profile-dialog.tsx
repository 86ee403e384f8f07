// What the delegation engine has learned about one agent: per task type, the chance of success
// with its 90% credible interval (a bar with whiskers), the typical duration and its spread, how
// many outcomes stand behind it, and whether its behaviour drifted lately. Plus the agent's own
// fields the engine weighs (zone, cost, certifications, availability).
import type { AgentDto } from '../../../../preload/contract';
import { AgentKindLabel, AgentStatusBadge } from '../../components/agent-badges';
import { Badge } from '../../components/badge';
import { Facts } from '../../components/card';
import { Dialog } from '../../components/dialog';
import { LoadState } from '../../components/page-header';
import { describeWindow, isPastWindow, siteToday } from '../../lib/availability';
import { formatPercent } from '../../lib/explanation';
import { formatAgo, formatDateTime, formatDuration } from '../../lib/format';
import { CONFIDENCE_HINTS, CONFIDENCE_LABELS, CONFIDENCE_TONES, driftWords, intervalSpan, isAdverse, sortTypes, speedWords, type TypeProfile } from '../../lib/profile';
import { useNow } from '../../lib/use-now';
import { PRESENCE_LABELS } from '../../lib/work';
import { useCall } from '../../query/call-hooks';

export function AgentProfileDialog({ agent, onClose }: { agent: AgentDto; onClose(): void }) {
  const profile = useCall('delegation.profile', { agentId: agent.id }, { staleTime: 15_000 });
  const now = useNow(60_000);
  const data = profile.data;
  const adverse = data?.drift.active ? data.drift.events.some(isAdverse) : false;
  return (
    <Dialog title={`Profile of ${agent.name}`} onClose={onClose} size="xwide">
      <div className="profile">
        <div className="profile__status">
          <AgentKindLabel kind={agent.kind} />
          <AgentStatusBadge status={agent.status} />
          {agent.presence && <Badge tone={agent.presence === 'available' ? 'ok' : 'neutral'}>Presence: {PRESENCE_LABELS[agent.presence]}</Badge>}
          {data?.drift.active && (
            <Badge tone={adverse ? 'danger' : 'info'} title="The engine noticed a change and now weighs recent outcomes over old ones.">
              {adverse ? 'Drift: performance dropped' : 'Drift: performance changed'}
            </Badge>
          )}
        </div>
        <div className="profile__grid">
          <section aria-label="Agent details" className="profile__facts">
            <Facts
              items={[
                { label: 'Zone or station', value: agent.zone ?? <span className="muted">None</span> },
                { label: 'Cost per hour', value: agent.costPerHour === null ? <span className="muted">None</span> : agent.costPerHour.toFixed(2) },
                { label: 'Certifications', value: <Certifications agent={agent} now={now} /> },
                { label: 'Availability', value: <Availability agent={agent} /> },
                { label: 'Load', value: `${agent.load} of ${agent.capacity} tasks held` },
              ]}
            />
          </section>
          <section aria-label="Learned record" className="profile__facts">
            <LoadState loading={profile.isPending} error={profile.error}>
              {data && (
                <Facts
                  items={[
                    { label: 'Outcomes seen', value: data.observations.toLocaleString() },
                    { label: 'Speed', value: data.observations > 0 ? speedWords(data.durationFactor) : <span className="muted">No record yet</span> },
                    {
                      label: 'Reliability',
                      value:
                        Math.abs(data.reliabilityShift) < 0.05 ? (
                          'As its skill levels suggest'
                        ) : data.reliabilityShift > 0 ? (
                          'Succeeds more often than its skill levels suggest'
                        ) : (
                          'Succeeds less often than its skill levels suggest'
                        ),
                    },
                    { label: 'Recent work', value: data.recentWorkMs >= 1000 ? formatDuration(Math.round(data.recentWorkMs)) : <span className="muted">None</span> },
                  ]}
                />
              )}
            </LoadState>
          </section>
        </div>
        {data?.drift.active && data.drift.events.length > 0 && (
          <ul className="profile__drift" aria-label="Drift">
            {data.drift.events.slice(0, 5).map((event) => (
              <li key={`${event.at}-${event.metric}`} className={isAdverse(event) ? 'text-danger' : undefined}>
                {formatDateTime(event.at)}: {agent.name} {driftWords(event)} ({event.metric === 'duration' ? 'how long work takes' : 'how often it succeeds'}).
              </li>
            ))}
          </ul>
        )}
        <section aria-label="Learned per task type" className="profile__types">
          <h3 className="section-title">Learned per task type</h3>
          {data && data.types.length === 0 ? (
            <p className="muted">No outcomes yet: until this agent finishes some work, predictions lean on its skill levels and on agents like it.</p>
          ) : data ? (
            <div className="table-scroll table-scroll--bordered">
              <table className="table table--compact table--profile" aria-label="Learned profile">
                <thead>
                  <tr>
                    <th scope="col">Task type</th>
                    <th scope="col">Success (90% interval)</th>
                    <th scope="col">Typical duration</th>
                    <th scope="col" className="num">
                      Outcomes
                    </th>
                    <th scope="col">Confidence</th>
                    <th scope="col">Last outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {sortTypes(data.types).map((type) => (
                    <TypeRow key={type.type} type={type} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      </div>
    </Dialog>
  );
}

function TypeRow({ type, now }: { type: TypeProfile; now: number }) {
  const span = intervalSpan(type.success);
  return (
    <tr>
      <th scope="row">
        <code>{type.type}</code>
      </th>
      <td>
        <span className="whisker" role="img" aria-label={`${formatPercent(type.success.mean)} likely to succeed, between ${formatPercent(type.success.low)} and ${formatPercent(type.success.high)}`}>
          <span className="whisker__track" aria-hidden="true">
            <span className="whisker__band" style={{ left: `${span.low}%`, width: `${Math.max(0.5, span.high - span.low)}%` }} />
            <span className="whisker__mean" style={{ left: `${span.mean}%` }} />
          </span>
          <span className="whisker__text">
            <strong>{formatPercent(type.success.mean)}</strong>{' '}
            <span className="muted">
              ({formatPercent(type.success.low)}–{formatPercent(type.success.high)})
            </span>
          </span>
        </span>
      </td>
      <td className="nowrap">
        {formatDuration(Math.round(type.duration.medianMs))}{' '}
        <span className="muted">
          ({formatDuration(Math.round(type.duration.p10Ms))}–{formatDuration(Math.round(type.duration.p90Ms))})
        </span>
      </td>
      <td className="num" title={`${type.success.ess.toFixed(1)} recent (weighted) outcomes`}>
        {type.observations.toLocaleString()}
      </td>
      <td>
        <Badge tone={CONFIDENCE_TONES[type.confidence]} title={CONFIDENCE_HINTS[type.confidence]}>
          {CONFIDENCE_LABELS[type.confidence]}
        </Badge>
      </td>
      <td className="nowrap">{type.lastAt > 0 ? <span title={formatDateTime(type.lastAt)}>{formatAgo(type.lastAt, now)}</span> : <span className="muted">—</span>}</td>
    </tr>
  );
}

function Certifications({ agent, now }: { agent: AgentDto; now: number }) {
  if (agent.certifications.length === 0) return <span className="muted">None</span>;
  return (
    <span className="chips">
      {agent.certifications.map((cert) => {
        const expired = cert.expiresAt !== null && cert.expiresAt < now;
        return (
          <span key={cert.name} className={`chip${expired ? ' chip--expired' : ''}`} title={cert.expiresAt === null ? 'Does not expire' : `${expired ? 'Expired' : 'Valid until'} ${formatDateTime(cert.expiresAt)}`}>
            {cert.name}
            {cert.expiresAt !== null && <span className="chip__note">{expired ? 'expired' : `until ${new Date(cert.expiresAt).toLocaleDateString()}`}</span>}
          </span>
        );
      })}
    </span>
  );
}

function Availability({ agent }: { agent: AgentDto }) {
  const now = useNow(60_000);
  const siteZone = useCall('delegation.getSettings', {}, { staleTime: 60_000 }).data?.timeZone;
  if (agent.availability.length === 0) return <span className="muted">Always (no windows set)</span>;
  const today = siteToday(now, siteZone);
  return (
    <span className="chips">
      {agent.availability.map((window, index) => (
        <span key={index} className={`chip${isPastWindow(window, today) ? ' muted' : ''}`}>
          {describeWindow(window, today)}
          {isPastWindow(window, today) && <span className="chip__note">past</span>}
        </span>
      ))}
    </span>
  );
}
