// The agent registry: robots, software agents and people that take tasks, and the API keys that
// software agents sign in with. Keys are `dlg_<prefix>_<secret>`; only sha256(secret) is stored,
// the plaintext is returned once by createKey and never again.
import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  AgentDto,
  AgentInput,
  AgentKind,
  AgentPatch,
  AgentStatus,
  ApiKeyDto,
  ApiKeyScope,
  AvailabilityWindow,
  Presence,
} from '../../preload/contract';
import type { SqliteDatabase } from '../../native/sqlite';
import type { Clock, Random } from '../core/clock';
import { conflict, invalidInput, notFound } from '../core/errors';
import type { EventBus } from '../core/events';
import type { IdFactory } from '../core/ids';

export interface AgentRow {
  id: string;
  name: string;
  kind: AgentKind;
  skills: string;
  capacity: number;
  status: AgentStatus;
  tags: string;
  created_at: number;
  updated_at: number;
  last_seen_at: number | null;
  zone: string | null;
  cost_per_hour: number | null;
  /** JSON [{ name, expiresAt }]. */
  certifications: string;
  /** JSON AvailabilityWindow[]. */
  availability: string;
  user_id: string | null;
  presence: Presence | null;
}

interface ApiKeyRow {
  id: string;
  agent_id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface AuthenticatedKey {
  agent: AgentDto;
  key: ApiKeyDto;
  scopes: ApiKeyScope[];
}

export interface AgentRegistryDeps {
  sqlite: SqliteDatabase;
  bus: EventBus;
  clock: Clock;
  random: Random;
  newId: IdFactory;
  /** lastUsedAt is written at most this often per key, so a busy agent does not fsync per request. */
  lastUsedResolutionMs?: number;
}

const KEY_PATTERN = /^dlg_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const DUMMY_HASH = Buffer.alloc(32);

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toApiKeyDto(r: ApiKeyRow): ApiKeyDto {
  return {
    id: r.id,
    agentId: r.agent_id,
    name: r.name,
    prefix: `dlg_${r.prefix}`,
    scopes: parseJson<ApiKeyScope[]>(r.scopes, []),
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

export class AgentRegistry {
  private readonly sqlite: SqliteDatabase;
  private readonly bus: EventBus;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly newId: IdFactory;
  private readonly lastUsedResolutionMs: number;
  private readonly stmt;

  constructor(deps: AgentRegistryDeps) {
    this.sqlite = deps.sqlite;
    this.bus = deps.bus;
    this.clock = deps.clock;
    this.random = deps.random;
    this.newId = deps.newId;
    this.lastUsedResolutionMs = deps.lastUsedResolutionMs ?? 60_000;
    const s = this.sqlite;
    this.stmt = {
      byId: s.prepare<[string], AgentRow>('SELECT * FROM agents WHERE id = ?'),
      byName: s.prepare<[string], AgentRow>('SELECT * FROM agents WHERE name = ? COLLATE NOCASE'),
      all: s.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY name COLLATE NOCASE'),
      load: s.prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM tasks WHERE assigned_agent_id = ? AND state IN ('assigned', 'running')",
      ),
      loads: s.prepare<[], { agent: string; n: number }>(
        "SELECT assigned_agent_id AS agent, count(*) AS n FROM tasks WHERE assigned_agent_id IS NOT NULL AND state IN ('assigned', 'running') GROUP BY assigned_agent_id",
      ),
      byUser: s.prepare<[string], AgentRow>('SELECT * FROM agents WHERE user_id = ?'),
      userExists: s.prepare<[string], { n: number }>('SELECT count(*) AS n FROM users WHERE id = ?'),
      insert: s.prepare(
        `INSERT INTO agents (id, name, kind, skills, capacity, status, tags, created_at, updated_at, last_seen_at,
                             zone, cost_per_hour, certifications, availability, user_id, presence)
         VALUES (@id, @name, @kind, @skills, @capacity, @status, @tags, @created_at, @updated_at, @last_seen_at,
                 @zone, @cost_per_hour, @certifications, @availability, @user_id, @presence)`,
      ),
      update: s.prepare(
        `UPDATE agents SET name = @name, kind = @kind, skills = @skills, capacity = @capacity, status = @status,
         tags = @tags, updated_at = @updated_at, zone = @zone, cost_per_hour = @cost_per_hour,
         certifications = @certifications, availability = @availability, user_id = @user_id, presence = @presence
         WHERE id = @id`,
      ),
      seen: s.prepare<[number, string]>('UPDATE agents SET last_seen_at = ? WHERE id = ?'),
      keyById: s.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
      keyByPrefix: s.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE prefix = ?'),
      keysAll: s.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id'),
      keysOf: s.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE agent_id = ? ORDER BY created_at, id'),
      insertKey: s.prepare(
        `INSERT INTO api_keys (id, agent_id, name, prefix, hash, scopes, created_at, revoked_at, last_used_at)
         VALUES (@id, @agent_id, @name, @prefix, @hash, @scopes, @created_at, NULL, NULL)`,
      ),
      revokeKey: s.prepare<[number, string]>('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      keyUsed: s.prepare<[number, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    };
  }

  /** Goes up on every change of an agent's record (not on touch): caches built from the rows compare it. */
  get version(): number {
    return this.changes;
  }
  private changes = 0;

  /** Another connection (the CLI) changed agents: caches built on `version` are rebuilt. */
  noteChangedElsewhere(): void {
    this.changes++;
  }

  /** Runs fn in a transaction (a savepoint inside a caller's), events held until the outer commit. */
  private write<T>(fn: () => T): T {
    this.changes++;
    return this.bus.afterCommit(() => this.sqlite.transaction(fn)());
  }

  toDto(r: AgentRow, load?: number): AgentDto {
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      skills: parseJson<Record<string, number>>(r.skills, {}),
      capacity: r.capacity,
      status: r.status,
      tags: parseJson<string[]>(r.tags, []),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      lastSeenAt: r.last_seen_at,
      load: load ?? this.stmt.load.get(r.id)?.n ?? 0,
      zone: r.zone,
      costPerHour: r.cost_per_hour,
      certifications: parseJson<{ name: string; expiresAt: number | null }[]>(r.certifications, []),
      availability: parseJson<AvailabilityWindow[]>(r.availability, []),
      userId: r.user_id,
      presence: r.kind === 'human' ? r.presence : null,
    };
  }

  /** Every agent's raw row (the delegation service builds its roster from these). */
  rows(): AgentRow[] {
    return this.stmt.all.all();
  }

  /** The agent linked to a user account (a person's My work), or null. */
  byUser(userId: string): AgentDto | null {
    const r = this.stmt.byUser.get(userId);
    return r ? this.toDto(r) : null;
  }

  /** A person sets their presence in the app. */
  setPresence(id: string, presence: Presence): AgentDto {
    return this.update(id, { presence });
  }

  /** Links to a user only for people, only to an existing user, one agent per user. */
  private checkUserLink(kind: AgentKind, userId: string | null, selfId: string | null): void {
    if (userId === null) return;
    if (kind !== 'human') throw invalidInput('Only people (kind human) can be linked to a user account', { field: 'userId' });
    if ((this.stmt.userExists.get(userId)?.n ?? 0) === 0) throw notFound(`No user with id ${userId}`);
    const other = this.stmt.byUser.get(userId);
    if (other && other.id !== selfId) throw conflict(`That user is linked to the agent "${other.name}" already`, { field: 'userId' });
  }

  /** The raw row (skills still JSON text), for the queue's hot path. */
  row(id: string): AgentRow | undefined {
    return this.stmt.byId.get(id);
  }

  get(id: string): AgentDto | null {
    const r = this.stmt.byId.get(id);
    return r ? this.toDto(r) : null;
  }

  getOrThrow(id: string): AgentDto {
    const a = this.get(id);
    if (!a) throw notFound(`No agent with id ${id}`);
    return a;
  }

  /** Case-insensitive. */
  byName(name: string): AgentDto | null {
    const r = this.stmt.byName.get(name.trim());
    return r ? this.toDto(r) : null;
  }

  list(filter: { status?: readonly AgentStatus[]; kind?: AgentKind } = {}): AgentDto[] {
    const loads = new Map(this.stmt.loads.all().map((l) => [l.agent, l.n]));
    return this.stmt
      .all.all()
      .filter((r) => (!filter.status || filter.status.includes(r.status)) && (!filter.kind || r.kind === filter.kind))
      .map((r) => this.toDto(r, loads.get(r.id) ?? 0));
  }

  create(input: AgentInput): AgentDto {
    return this.write(() => {
      const name = input.name.trim();
      if (this.stmt.byName.get(name)) throw conflict(`An agent named "${name}" exists already`, { field: 'name' });
      this.checkUserLink(input.kind, input.userId ?? null, null);
      const now = this.clock.now();
      const row: AgentRow = {
        id: this.newId(),
        name,
        kind: input.kind,
        skills: JSON.stringify(input.skills ?? {}),
        capacity: input.capacity ?? 1,
        status: input.status ?? 'available',
        tags: JSON.stringify(input.tags ?? []),
        created_at: now,
        updated_at: now,
        last_seen_at: null,
        zone: input.zone ?? null,
        cost_per_hour: input.costPerHour ?? null,
        certifications: JSON.stringify(input.certifications ?? []),
        availability: JSON.stringify(input.availability ?? []),
        user_id: input.userId ?? null,
        presence: input.presence ?? null,
      };
      this.stmt.insert.run(row);
      const dto = this.toDto(row, 0);
      this.bus.emit('agent.changed', dto);
      return dto;
    });
  }

  update(id: string, patch: AgentPatch): AgentDto {
    return this.write(() => {
      const current = this.stmt.byId.get(id);
      if (!current) throw notFound(`No agent with id ${id}`);
      const name = patch.name?.trim() ?? current.name;
      const other = this.stmt.byName.get(name);
      if (other && other.id !== id) throw conflict(`An agent named "${name}" exists already`, { field: 'name' });
      const row: AgentRow = {
        ...current,
        name,
        kind: patch.kind ?? current.kind,
        skills: patch.skills ? JSON.stringify(patch.skills) : current.skills,
        capacity: patch.capacity ?? current.capacity,
        status: patch.status ?? current.status,
        tags: patch.tags ? JSON.stringify(patch.tags) : current.tags,
        updated_at: this.clock.now(),
        zone: patch.zone !== undefined ? patch.zone : current.zone,
        cost_per_hour: patch.costPerHour !== undefined ? patch.costPerHour : current.cost_per_hour,
        certifications: patch.certifications ? JSON.stringify(patch.certifications) : current.certifications,
        availability: patch.availability ? JSON.stringify(patch.availability) : current.availability,
        user_id: patch.userId !== undefined ? patch.userId : current.user_id,
        presence: patch.presence ?? current.presence,
      };
      this.checkUserLink(row.kind, row.user_id, id);
      this.stmt.update.run(row);
      const dto = this.toDto(row);
      this.bus.emit('agent.changed', dto);
      return dto;
    });
  }

  /** Records that the agent was heard from (claims and heartbeats call this in their transaction). */
  touch(id: string, at = this.clock.now()): void {
    this.stmt.seen.run(at, id);
  }

  // --- API keys ---------------------------------------------------------------------------

  /** Creates a key; `secret` is the full plaintext key, returned this once and never stored. */
  createKey(agentId: string, scopes: readonly ApiKeyScope[], name?: string): { key: ApiKeyDto; secret: string } {
    if (scopes.length === 0) throw invalidInput('A key needs at least one scope');
    return this.write(() => {
      const agent = this.stmt.byId.get(agentId);
      if (!agent) throw notFound(`No agent with id ${agentId}`);
      let prefix = '';
      for (let i = 0; i < 5 && (!prefix || this.stmt.keyByPrefix.get(prefix)); i++) prefix = this.randomPrefix();
      if (this.stmt.keyByPrefix.get(prefix)) throw conflict('Could not draw a unique key prefix; try again');
      const secretPart = this.random.bytes(32).toString('base64url');
      const row: ApiKeyRow = {
        id: this.newId(),
        agent_id: agentId,
        name: name?.trim() || `${agent.name} key`,
        prefix,
        hash: sha256(secretPart).toString('hex'),
        scopes: JSON.stringify([...new Set(scopes)].sort()),
        created_at: this.clock.now(),
        revoked_at: null,
        last_used_at: null,
      };
      this.stmt.insertKey.run(row);
      this.bus.emit('agent.keysChanged', { agentId });
      return { key: toApiKeyDto(row), secret: `dlg_${prefix}_${secretPart}` };
    });
  }

  revokeKey(id: string): ApiKeyDto {
    return this.write(() => {
      const row = this.stmt.keyById.get(id);
      if (!row) throw notFound(`No API key with id ${id}`);
      if (row.revoked_at !== null) return toApiKeyDto(row);
      const now = this.clock.now();
      this.stmt.revokeKey.run(now, id);
      this.bus.emit('agent.keysChanged', { agentId: row.agent_id });
      return toApiKeyDto({ ...row, revoked_at: now });
    });
  }

  /** Keys without their secrets (there is nothing to show: only hashes are stored). */
  listKeys(agentId?: string): ApiKeyDto[] {
    return (agentId ? this.stmt.keysOf.all(agentId) : this.stmt.keysAll.all()).map(toApiKeyDto);
  }

  /**
   * The agent and scopes a plaintext key stands for, or null (malformed, unknown, wrong secret,
   * revoked). Compares hashes in constant time and records lastUsedAt (coarsely, see deps).
   */
  authenticateKey(plaintext: string): AuthenticatedKey | null {
    if (typeof plaintext !== 'string' || plaintext.length > 100) return null;
    const match = KEY_PATTERN.exec(plaintext);
    if (!match) return null;
    const row = this.stmt.keyByPrefix.get(match[1]!);
    const given = sha256(match[2]!);
    const stored = row ? Buffer.from(row.hash, 'hex') : DUMMY_HASH;
    const same = stored.length === given.length && timingSafeEqual(stored, given);
    if (!row || !same) return null;
    return this.keyInUse(row);
  }

  /**
   * The agent and scopes of a key already authenticated once, by its id (an open WebSocket
   * checking that its key still stands, without keeping the secret), or null when revoked or gone.
   * Records lastUsedAt like authenticateKey.
   */
  keyStanding(keyId: string): AuthenticatedKey | null {
    const row = this.stmt.keyById.get(keyId);
    return row ? this.keyInUse(row) : null;
  }

  private keyInUse(row: ApiKeyRow): AuthenticatedKey | null {
    if (row.revoked_at !== null) return null;
    const agent = this.stmt.byId.get(row.agent_id);
    if (!agent) return null;
    const now = this.clock.now();
    let keyRow = row;
    if (row.last_used_at === null || now - row.last_used_at >= this.lastUsedResolutionMs) {
      this.sqlite.transaction(() => this.stmt.keyUsed.run(now, row.id))();
      keyRow = { ...row, last_used_at: now };
    }
    const key = toApiKeyDto(keyRow);
    return { agent: this.toDto(agent), key, scopes: key.scopes };
  }

  private randomPrefix(): string {
    const bytes = this.random.bytes(8);
    let out = '';
    for (const b of bytes) out += BASE32[b & 31];
    return out;
  }
}
