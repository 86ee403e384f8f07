// Sessions: random bearer tokens, stored only as their sha256. A session expires after a fixed
// time, locks after idle time (only the password unlocks it), and ends on logout or when an
// admin disables the user or resets the password.
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Clock, Random } from '../core/clock';
import type { EventBus } from '../core/events';
import type { Db } from '../db/database';
import { sessions } from '../db/schema';

export type SessionRow = typeof sessions.$inferSelect;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface SessionPolicy {
  idleLockMs: number;
  maxAgeMs: number;
}

export type SessionState =
  | { state: 'active'; session: SessionRow }
  | { state: 'locked'; session: SessionRow }
  | { state: 'gone'; reason: string };

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly bus: EventBus,
    private readonly policy: () => SessionPolicy,
  ) {}

  create(userId: string): { token: string; session: SessionRow } {
    const token = this.random.bytes(32).toString('base64url');
    const now = this.clock.now();
    const row: SessionRow = {
      id: tokenHash(token),
      userId,
      createdAt: now,
      expiresAt: now + this.policy().maxAgeMs,
      lastSeenAt: now,
      lockedAt: null,
      endedAt: null,
      endReason: null,
    };
    this.db.insert(sessions).values(row).run();
    return { token, session: row };
  }

  /** Looks a session up, locking it first when it has been idle too long. */
  resolve(id: string): SessionState {
    const row = this.db.select().from(sessions).where(eq(sessions.id, id)).get();
    if (!row) return { state: 'gone', reason: 'Unknown session' };
    if (row.endedAt !== null) return { state: 'gone', reason: row.endReason ?? 'Session ended' };
    const now = this.clock.now();
    if (now >= row.expiresAt) {
      this.end(id, 'Session expired: please sign in again');
      return { state: 'gone', reason: 'Session expired: please sign in again' };
    }
    if (row.lockedAt !== null) return { state: 'locked', session: row };
    if (now - row.lastSeenAt >= this.policy().idleLockMs) {
      this.lock(id, 'Locked after inactivity');
      return { state: 'locked', session: { ...row, lockedAt: now } };
    }
    return { state: 'active', session: row };
  }

  touch(id: string): void {
    this.db.update(sessions).set({ lastSeenAt: this.clock.now() }).where(eq(sessions.id, id)).run();
  }

  lock(id: string, reason: string): void {
    this.db
      .update(sessions)
      .set({ lockedAt: this.clock.now() })
      .where(and(eq(sessions.id, id), isNull(sessions.lockedAt)))
      .run();
    this.bus.signalSession({ kind: 'locked', sessionId: id, reason });
  }

  unlock(id: string): SessionRow {
    const now = this.clock.now();
    this.db.update(sessions).set({ lockedAt: null, lastSeenAt: now }).where(eq(sessions.id, id)).run();
    return this.db.select().from(sessions).where(eq(sessions.id, id)).get()!;
  }

  end(id: string, reason: string): void {
    this.db
      .update(sessions)
      .set({ endedAt: this.clock.now(), endReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
      .run();
    this.bus.signalSession({ kind: 'ended', sessionId: id, reason });
  }

  openFor(userId: string): string[] {
    return this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)))
      .all()
      .map((r) => r.id);
  }

  endAllForUser(userId: string, reason: string): void {
    for (const id of this.openFor(userId)) this.end(id, reason);
  }
}
