// Robots, software agents and people that take tasks. Engineers and admins add and edit agents and
// manage their API keys; other roles see the list read-only. Everyone may open an agent's learned
// profile. Follows `agent.changed` events, and re-reads every so often for load and last-seen
// times (which change without an event).
import { useState } from 'react';
import type { AgentDto, UserDto } from '../../../preload/contract';
import { AgentKindLabel, AgentLiveStatusBadge } from '../components/agent-badges';
import { LoadState, PageHeader } from '../components/page-header';
import { formatAgo, formatDateTime } from '../lib/format';
import { can } from '../lib/permissions';
import { useNow } from '../lib/use-now';
import { useCall } from '../query/call-hooks';
import { AgentDialog } from './agents/agent-dialog';
import { AgentKeysDialog } from './agents/agent-keys-dialog';
import { AgentProfileDialog } from './agents/agent-profile-dialog';
import { PRESENCE_LABELS } from '../lib/work';
import { Notice } from '../components/notice';

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; agent: AgentDto }
  | { kind: 'keys'; agent: AgentDto }
  | { kind: 'profile'; agent: AgentDto }
  | null;

export function AgentsPage({ me }: { me: UserDto }) {
  const agents = useCall('agents.list', {}, { refetchInterval: 15_000 });
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const now = useNow(30_000);
  const mayCreate = can(me.role, 'agents.create');
  const mayEdit = can(me.role, 'agents.update');
  const mayKeys = can(me.role, 'agents.listKeys');
  const mayProfile = can(me.role, 'delegation.profile');
  const list = [...(agents.data?.agents ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="page page--wide">
      <PageHeader
        title="Agents"
        description={
          mayEdit
            ? 'Robots, software agents and people that take tasks: their skills, capacity and API keys.'
            : 'Robots, software agents and people that take tasks. Engineers and administrators change them.'
        }
        actions={
          mayCreate && (
            <button type="button" className="btn btn--primary" onClick={() => setEditing({ kind: 'create' })}>
              New agent
            </button>
          )
        }
      />
      {notice && (
        <Notice tone="ok" text={notice} onDismiss={() => setNotice(null)} />
      )}
      <section className="card card--flush agents-card" aria-label="Agent list">
        <LoadState loading={agents.isPending} error={agents.error} empty={list.length === 0 && (mayCreate ? 'No agents yet. Add one with “New agent”.' : 'No agents yet.')}>
          <div className="table-scroll">
            <table className="table table--agents" aria-label="Agents">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Zone</th>
                  <th scope="col">Skills</th>
                  <th scope="col" className="num">
                    Load
                  </th>
                  <th scope="col">Tags</th>
                  <th scope="col">Last seen</th>
                  {(mayEdit || mayKeys || mayProfile) && (
                    <th scope="col" className="col-actions">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {list.map((agent) => (
                  <tr key={agent.id}>
                    <td className="strong">{agent.name}</td>
                    <td>
                      <AgentKindLabel kind={agent.kind} />
                    </td>
                    <td className="nowrap">
                      <AgentLiveStatusBadge agent={agent} now={now} />
                      {agent.presence && agent.presence !== 'available' && <span className="muted agent-presence"> · {PRESENCE_LABELS[agent.presence]}</span>}
                    </td>
                    <td>{agent.zone ?? <span className="muted">—</span>}</td>
                    <td>
                      {Object.keys(agent.skills).length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="chips">
                          {Object.entries(agent.skills).map(([skill, level]) => (
                            <span key={skill} className="chip chip--skill" title={`${skill}, level ${level} of 5`}>
                              {skill}
                              <span className="chip__level">{level}</span>
                            </span>
                          ))}
                        </span>
                      )}
                    </td>
                    <td className="num nowrap" title={`${agent.load} of ${agent.capacity} tasks held`}>
                      {agent.load} / {agent.capacity}
                    </td>
                    <td>
                      {agent.tags.length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="chips">
                          {agent.tags.map((tag) => (
                            <span key={tag} className="chip">
                              {tag}
                            </span>
                          ))}
                        </span>
                      )}
                    </td>
                    <td className="nowrap">
                      {agent.lastSeenAt === null ? <span className="muted">Never</span> : <span title={formatDateTime(agent.lastSeenAt)}>{formatAgo(agent.lastSeenAt, now)}</span>}
                    </td>
                    {(mayEdit || mayKeys || mayProfile) && (
                      <td className="col-actions">
                        <div className="row-actions">
                          {mayProfile && (
                            <button type="button" className="btn btn--ghost btn--small" aria-label={`Profile of ${agent.name}`} onClick={() => setEditing({ kind: 'profile', agent })}>
                              Profile
                            </button>
                          )}
                          {mayEdit && (
                            <button type="button" className="btn btn--ghost btn--small" aria-label={`Edit ${agent.name}`} onClick={() => setEditing({ kind: 'edit', agent })}>
                              Edit
                            </button>
                          )}
                          {mayKeys && (
                            <button type="button" className="btn btn--ghost btn--small" aria-label={`API keys of ${agent.name}`} onClick={() => setEditing({ kind: 'keys', agent })}>
                              Keys
                            </button>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </LoadState>
      </section>
      {editing?.kind === 'create' && (
        <AgentDialog
          me={me}
          onClose={() => setEditing(null)}
          onSaved={(agent) => {
            setEditing(null);
            setNotice(`${agent.name} was added.`);
          }}
        />
      )}
      {editing?.kind === 'edit' && (
        <AgentDialog
          me={me}
          agent={editing.agent}
          onClose={() => setEditing(null)}
          onSaved={(agent) => {
            setEditing(null);
            setNotice(`${agent.name} was updated.`);
          }}
        />
      )}
      {editing?.kind === 'keys' && <AgentKeysDialog agent={editing.agent} me={me} onClose={() => setEditing(null)} />}
      {editing?.kind === 'profile' && <AgentProfileDialog agent={list.find((a) => a.id === editing.agent.id) ?? editing.agent} onClose={() => setEditing(null)} />}
    </div>
  );
}
