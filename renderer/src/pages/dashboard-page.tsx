// The first page after sign-in: the floor at a glance (work now, the last hour, agents now), what
// the system is, whether this window is connected, and (for administrators) the latest audit
// entries as they happen.
import type { SessionDto } from '../../../preload/contract';
import { OutcomeBadge } from '../components/audit-outcome';
import { Card, Facts } from '../components/card';
import { CONNECTION_LABELS, TRANSPORT_LABELS, useConnectionState } from '../components/connection-state';
import { LoadState, PageHeader } from '../components/page-header';
import { ROLE_LABELS, formatDateTime, formatWhen } from '../lib/format';
import { useBridge, useCall } from '../query/call-hooks';
import { routeHref } from '../state/route';
import { FloorCards } from './dashboard/floor-cards';

export function DashboardPage({ session, siteName }: { session: SessionDto; siteName: string }) {
  const user = session.user;
  const isAdmin = user.role === 'admin';
  return (
    <div className="page">
      <PageHeader
        title={`Welcome, ${user.displayName}`}
        description={
          <>
            Signed in as <strong>{ROLE_LABELS[user.role]}</strong> at <strong>{siteName}</strong>.
          </>
        }
      />
      <div className="dashboard-grid">
        <FloorCards />
        <SystemCard />
        <ConnectionCard session={session} />
        {isAdmin && <RecentActivityCard />}
      </div>
    </div>
  );
}

function SystemCard() {
  const info = useCall('system.info', {}, { staleTime: Infinity });
  return (
    <Card title="System">
      <LoadState loading={info.isPending} error={info.error}>
        {info.data && (
          <Facts
            items={[
              { label: 'Mode', value: info.data.mode === 'desktop' ? 'Desktop app' : 'Headless host' },
              { label: 'Version', value: info.data.version },
              { label: 'Data folder', value: <code className="path">{info.data.dataDir}</code> },
              { label: 'Schema version', value: info.data.schemaVersion },
              { label: 'Started at', value: formatDateTime(info.data.startedAt) },
            ]}
          />
        )}
      </LoadState>
    </Card>
  );
}

function ConnectionCard({ session }: { session: SessionDto }) {
  const client = useBridge();
  const state = useConnectionState();
  const settings = useCall('settings.get', {});
  const idleMinutes = settings.data?.sessionIdleLockMinutes ?? Math.round(session.idleLockMs / 60_000);
  return (
    <Card title="Connection">
      <Facts
        items={[
          {
            label: 'State',
            value: (
              <span className="inline-state">
                <span className={`dot dot--${state}`} aria-hidden="true" />
                {CONNECTION_LABELS[state]}
              </span>
            ),
          },
          { label: 'Transport', value: TRANSPORT_LABELS[client.transport] },
          { label: 'Host', value: client.transport === 'ipc' ? 'This workstation' : window.location.host },
          { label: 'Screen locks after', value: `${idleMinutes} min without activity` },
          { label: 'Session ends', value: formatDateTime(session.expiresAt) },
        ]}
      />
    </Card>
  );
}

const RECENT = 8;

function RecentActivityCard() {
  // People's actions, not every agent's claim and heartbeat (the audit trail has those).
  const audit = useCall('audit.list', { limit: RECENT, hideAgentRoutine: true });
  const entries = audit.data?.entries.slice(0, RECENT) ?? [];
  return (
    <Card
      title="Recent activity"
      className="dashboard-grid__wide"
      actions={
        <a className="link" href={routeHref('audit')}>
          Open audit trail
        </a>
      }
    >
      <LoadState loading={audit.isPending} error={audit.error} empty={entries.length === 0 && 'Nothing recorded yet.'}>
        <table className="table table--compact" aria-label="Recent activity">
          <thead>
            <tr>
              <th scope="col" className="col-time">Time</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col" className="col-outcome">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.seq}>
                <td className="nowrap" title={formatDateTime(entry.ts)}>{formatWhen(entry.ts)}</td>
                <td>{entry.actorName ?? <span className="muted" title="No signed-in user">anonymous</span>}</td>
                <td><code className="action">{entry.action}</code></td>
                <td className="truncate" title={entry.target ?? undefined}>{entry.target ?? <span className="muted">—</span>}</td>
                <td><OutcomeBadge outcome={entry.outcome} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </LoadState>
    </Card>
  );
}
