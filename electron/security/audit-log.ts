// The audit trail: append-only (triggers refuse UPDATE/DELETE) and hash-chained, so that a
// row changed or removed behind the app's back is found by verify(), which names the first one.
import { createHash } from 'node:crypto';
import { AGENT_ROUTINE_ACTIONS, type AuditEntry, type AuditOutcome, type AuditVerifyResult } from '../../preload/contract';
import type { SqliteDatabase } from '../../native/sqlite';
import type { Clock } from '../core/clock';
import type { IdFactory } from '../core/ids';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  actorId: string | null;
  actorName: string | null;
  action: string;
  outcome: AuditOutcome;
  target: string | null;
  details: unknown;
}

interface AuditRow {
  seq: number;
  id: string;
  ts: number;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  outcome: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

function rowHash(prevHash: string, r: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  // JSON array: unambiguous field boundaries whatever the values contain.
  const material = JSON.stringify([prevHash, r.seq, r.id, r.ts, r.actor_id, r.actor_name, r.action, r.outcome, r.target, r.details]);
  return createHash('sha256').update(material).digest('hex');
}

function toEntry(r: AuditRow): AuditEntry {
  let details: unknown;
  try {
    details = JSON.parse(r.details);
  } catch {
    details = r.details;
  }
  return {
    seq: r.seq,
    id: r.id,
    ts: r.ts,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    outcome: r.outcome as AuditOutcome,
    target: r.target,
    details,
    hash: r.hash,
  };
}

export interface AuditFilter {
  limit: number;
  beforeSeq?: number;
  action?: string;
  actor?: string;
  outcome?: AuditOutcome;
  from?: number;
  to?: number;
  hideAgentRoutine?: boolean;
}

export class AuditLog {
  private readonly last;
  private readonly insert;

  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly clock: Clock,
    private readonly newId: IdFactory,
  ) {
    this.last = sqlite.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = sqlite.prepare(
      `INSERT INTO audit_log (seq, id, ts, actor_id, actor_name, action, outcome, target, details, prev_hash, hash)
       VALUES (@seq, @id, @ts, @actor_id, @actor_name, @action, @outcome, @target, @details, @prev_hash, @hash)`,
    );
  }

  /** Appends one row. Call inside the transaction of the change it records. */
  append(input: AuditInput): AuditEntry {
    const append = this.sqlite.transaction(() => {
      const last = this.last.get();
      const base = {
        seq: (last?.seq ?? 0) + 1,
        id: this.newId(),
        ts: this.clock.now(),
        actor_id: input.actorId,
        actor_name: input.actorName,
        action: input.action,
        outcome: input.outcome,
        target: input.target,
        details: JSON.stringify(input.details ?? null),
      };
      const prev_hash = last?.hash ?? GENESIS_HASH;
      const row: AuditRow = { ...base, prev_hash, hash: rowHash(prev_hash, base) };
      this.insert.run(row);
      return toEntry(row);
    });
    return append();
  }

  list(filter: AuditFilter): { entries: AuditEntry[]; nextBeforeSeq: number | null } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.beforeSeq !== undefined) {
      where.push('seq < @beforeSeq');
      params.beforeSeq = filter.beforeSeq;
    }
    if (filter.action) {
      where.push("action LIKE @action ESCAPE '\\'");
      params.action = `%${escapeLike(filter.action)}%`;
    }
    if (filter.actor) {
      where.push("actor_name LIKE @actor ESCAPE '\\'");
      params.actor = `%${escapeLike(filter.actor)}%`;
    }
    if (filter.outcome) {
      where.push('outcome = @outcome');
      params.outcome = filter.outcome;
    }
    if (filter.from !== undefined) {
      where.push('ts >= @from');
      params.from = filter.from;
    }
    if (filter.to !== undefined) {
      where.push('ts <= @to');
      params.to = filter.to;
    }
    if (filter.hideAgentRoutine) {
      // The same rule as isAgentRoutine (the contract), which the windows apply to live entries.
      where.push(`NOT (outcome = 'ok' AND action IN (${AGENT_ROUTINE_ACTIONS.map((a) => `'${a}'`).join(', ')}))`);
    }
    const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT @limit`;
    const rows = this.sqlite.prepare<Record<string, unknown>, AuditRow>(sql).all({ ...params, limit: filter.limit + 1 });
    const more = rows.length > filter.limit;
    const page = rows.slice(0, filter.limit);
    return { entries: page.map(toEntry), nextBeforeSeq: more ? page[page.length - 1]!.seq : null };
  }

  count(): number {
    return (this.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
  }

  /** Walks the whole chain in order; names the first row whose content, link or place is wrong. */
  verify(): AuditVerifyResult {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (const r of this.sqlite.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq ASC').iterate()) {
      const bad = (problem: string): AuditVerifyResult => ({ ok: false, checked, firstBadSeq: r.seq, problem });
      if (r.seq !== expectedSeq) return { ok: false, checked, firstBadSeq: r.seq, problem: `row ${expectedSeq} is missing (next row is ${r.seq})` };
      if (r.prev_hash !== prev) return bad(`row ${r.seq} does not link to the row before it`);
      const { prev_hash: _p, hash, ...rest } = r;
      if (rowHash(prev, rest) !== hash) return bad(`row ${r.seq} was altered after it was written`);
      prev = hash;
      expectedSeq += 1;
      checked += 1;
    }
    return { ok: true, checked, firstBadSeq: null, problem: null };
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const SECRET_KEY = /password|token|secret|apikey|api_key|^key$/i;

/** A copy of a call's input fit for the audit trail: secrets redacted, big values cut. */
export function auditDetails(input: unknown, depth = 0): unknown {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string') return input.length > 500 ? `${input.slice(0, 500)}…` : input;
  if (typeof input !== 'object') return input;
  if (depth > 4) return '[nested]';
  if (Array.isArray(input)) return input.slice(0, 50).map((v) => auditDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input).slice(0, 50)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : auditDetails(v, depth + 1);
  return out;
}
