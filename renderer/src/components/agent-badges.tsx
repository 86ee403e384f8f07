// Agent kinds (with a small icon) and statuses as badges, with their words.
import type { ReactNode } from 'react';
import type { AgentDto, AgentKind, AgentStatus } from '../../../preload/contract';
import { isUnheard } from '../lib/agent-live';
import { Badge, type BadgeTone } from './badge';

export const AGENT_KIND_LABELS: Record<AgentKind, string> = { robot: 'Robot', software: 'Software', human: 'Person' };

export const AGENT_STATUS_LABELS: Record<AgentStatus, string> = {
  available: 'Available',
  busy: 'Busy',
  paused: 'Paused',
  offline: 'Offline',
  fault: 'Fault',
  estopped: 'E-stopped',
};

const STATUS_TONES: Record<AgentStatus, BadgeTone> = {
  available: 'ok',
  busy: 'info',
  paused: 'neutral',
  offline: 'neutral',
  fault: 'danger',
  estopped: 'danger',
};

export function AgentStatusBadge({ status }: { status: AgentStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{AGENT_STATUS_LABELS[status]}</Badge>;
}

/** The status, or "Not connected" when it says available but the host has not heard from the agent lately. */
export function AgentLiveStatusBadge({ agent, now }: { agent: AgentDto; now: number }) {
  if (!isUnheard(agent, now)) return <AgentStatusBadge status={agent.status} />;
  return (
    <Badge tone="warn" title="Its status says available, but the host has not heard from it lately: it takes no work until it connects (a program with its API key, or the person in the app).">
      {agent.lastSeenAt === null ? 'Never connected' : 'Not connected'}
    </Badge>
  );
}

export function AgentKindLabel({ kind }: { kind: AgentKind }) {
  return (
    <span className={`kind kind--${kind}`}>
      <span className="kind__icon" aria-hidden="true">
        {KIND_ICONS[kind]}
      </span>
      {AGENT_KIND_LABELS[kind]}
    </span>
  );
}

function Svg({ children }: { children: ReactNode }) {
  return (
    <svg width="15" height="15" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      {children}
    </svg>
  );
}

const KIND_ICONS: Record<AgentKind, ReactNode> = {
  robot: (
    <Svg>
      <path d="M4 20h9M8.5 20v-4l5-6 4 2.5" />
      <circle cx="13.5" cy="10" r="1.6" />
      <path d="M17.5 12.5l2.5-1.5M17.5 12.5l1 2.8" />
    </Svg>
  ),
  software: (
    <Svg>
      <path d="M8.5 7L3.5 12l5 5M15.5 7l5 5-5 5" />
    </Svg>
  ),
  human: (
    <Svg>
      <circle cx="12" cy="7.5" r="3.5" />
      <path d="M5 20c.9-3.8 3.6-6 7-6s6.1 2.2 7 6" />
    </Svg>
  ),
};
