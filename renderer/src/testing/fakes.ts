// Test doubles for the bridge: a scripted WebSocket, manual timers, contract-valid samples.
import type { AgentDto, AuditEntry, CandidateDto, DecisionDto, SessionDto, Settings, TaskSummary, UserDto } from '../../../preload/contract';
import type { SocketLike, Timers } from '../bridge/ws-client';

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: unknown[] = [];
  closedByClient = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  // --- driven by the test ---
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  drop(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }

  /** The last call sent, typed loosely for assertions. */
  lastCall(): { type: string; id: number; name: string; input: unknown } {
    return this.sent[this.sent.length - 1] as { type: string; id: number; name: string; input: unknown };
  }
}

export class FakeTimers implements Timers {
  now = 0;
  private seq = 0;
  readonly scheduled = new Map<number, { at: number; ms: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.scheduled.set(id, { at: this.now + ms, ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  /** Delays of the timers still pending, in the order they were set. */
  pendingDelays(): number[] {
    return [...this.scheduled.values()].map((t) => t.ms);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = [...this.scheduled.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.scheduled.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = until;
  }
}

export const ID_A = '01HZX3K5V8Q2W7N4M6P9R0T1YB';
export const ID_B = '01HZX3K5V8Q2W7N4M6P9R0T1YC';

export function sampleUser(patch: Partial<UserDto> = {}): UserDto {
  return {
    id: ID_A,
    username: 'ada',
    displayName: 'Ada Lovelace',
    role: 'admin',
    disabled: false,
    lockedUntil: null,
    createdAt: 1_700_000_000_000,
    lastLoginAt: null,
    ...patch,
  };
}

export function sampleSession(patch: Partial<SessionDto> = {}): SessionDto {
  return { token: 'tok-1', user: sampleUser(), expiresAt: 1_800_000_000_000, idleLockMs: 900_000, ...patch };
}

export function sampleSettings(patch: Partial<Settings> = {}): Settings {
  return {
    siteName: 'Line 4',
    sessionIdleLockMinutes: 15,
    sessionMaxHours: 12,
    lockoutThreshold: 5,
    lockoutMinutes: 15,
    taskRetentionDays: 7,
    taskAging: true,
    taskAgingStepMinutes: 1,
    ...patch,
  };
}

export function sampleAudit(seq: number, patch: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    id: ID_A,
    ts: 1_700_000_000_000 + seq,
    actorId: ID_A,
    actorName: 'ada',
    action: 'users.create',
    outcome: 'ok',
    target: 'bob',
    details: {},
    hash: `h${seq}`,
    ...patch,
  };
}

/** A contract-valid task summary; `n` makes a distinct, time-ordered id (higher = newer). */
export function sampleTask(n: number, patch: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id: `01HZX3K5V8Q2W7N4M6P9R${String(n).padStart(5, '0')}`,
    type: 'weld.seam',
    title: `Weld ${n}`,
    priority: 'normal',
    state: 'ready',
    requires: {},
    deadline: null,
    runAt: null,
    maxAttempts: 3,
    attempt: 0,
    failures: 0,
    backoff: { baseMs: 1000, maxMs: 30_000 },
    timeoutMs: null,
    idempotencyKey: null,
    dependsOn: [],
    tags: [],
    creator: 'ada',
    workflowRunId: null,
    workflowStepId: null,
    assignedAgentId: null,
    leaseExpiresAt: null,
    startedAt: null,
    finishedAt: null,
    lastError: null,
    progress: null,
    cancelRequested: false,
    cancelReason: null,
    createdAt: 1_700_000_000_000 + n,
    updatedAt: 1_700_000_000_000 + n,
    ...patch,
  };
}

export function sampleAgent(patch: Partial<AgentDto> = {}): AgentDto {
  return {
    id: ID_B,
    name: 'Welder R2',
    kind: 'robot',
    skills: { weld: 4 },
    capacity: 2,
    status: 'available',
    tags: [],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    lastSeenAt: null,
    load: 0,
    zone: null,
    costPerHour: null,
    certifications: [],
    availability: [],
    userId: null,
    presence: null,
    ...patch,
  };
}

const COMPONENT_NAMES = ['capability', 'success', 'speed', 'deadline', 'load', 'zone', 'cost', 'fairness'] as const;

/** A contract-valid candidate; `values` sets its component scores (the rest 0.5). */
export function sampleCandidate(agentId: string, name: string, total: number, values: Partial<Record<(typeof COMPONENT_NAMES)[number], number>> = {}): CandidateDto {
  return {
    agentId,
    name,
    kind: 'robot',
    total,
    components: Object.fromEntries(COMPONENT_NAMES.map((c) => [c, values[c] ?? 0.5])) as CandidateDto['components'],
    predicted: { success: 0.9, durationMs: 600_000, waitMs: 0, finishAt: 1_700_000_600_000, onTime: null, cost: null, evidence: 12, load: 0, capacity: 2, zone: null },
  };
}

/** A decision: Welder R2 (ID_B) won over Welder R5 (ID_A); Painter P1 was kept out by a rule. */
export function sampleDecision(patch: Partial<DecisionDto> = {}): DecisionDto {
  const winner = sampleCandidate(ID_B, 'Welder R2', 0.81, { success: 0.95, speed: 0.7 });
  const runnerUp = sampleCandidate(ID_A, 'Welder R5', 0.64, { success: 0.7, speed: 0.75 });
  return {
    id: 'd1',
    taskId: 'T1',
    decidedAt: 1_700_000_000_000,
    source: 'engine',
    actor: null,
    agentId: ID_B,
    agentName: 'Welder R2',
    taskType: 'weld.seam',
    priority: 'normal',
    explored: false,
    weights: { capability: 0.1, success: 0.4, speed: 0.2, deadline: 0, load: 0.1, zone: 0, cost: 0.1, fairness: 0.1 },
    winner,
    runnerUp,
    candidates: [runnerUp, winner],
    excluded: [{ agentId: 'P1', name: 'Painter P1', rules: [{ rule: 'skill', reason: 'weld level 0 < required 3' }] }],
    why: 'Welder R2 was chosen with a score of 0.81 against 0.64 for the runner-up, Welder R5: higher predicted success (90% vs 70%).',
    whyNot: [{ agentId: ID_A, name: 'Welder R5', text: 'Welder R5 scored 0.64 against 0.81 for Welder R2, who has higher predicted success.' }],
    ...patch,
  };
}
