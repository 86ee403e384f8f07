// Local accounts: named users with scrypt hashes, roles, lockout after repeated failures.
import { count, eq, sql } from 'drizzle-orm';
import type { Role, UserDto } from '../../preload/contract';
import type { Clock } from '../core/clock';
import { conflict, notFound } from '../core/errors';
import type { IdFactory } from '../core/ids';
import type { Db } from '../db/database';
import { users } from '../db/schema';

export type UserRow = typeof users.$inferSelect;

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  };
}

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly newId: IdFactory,
  ) {}

  count(): number {
    return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
  }

  list(): UserRow[] {
    return this.db.select().from(users).orderBy(users.username).all();
  }

  byId(id: string): UserRow | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  byIdOrThrow(id: string): UserRow {
    const user = this.byId(id);
    if (!user) throw notFound(`No user with id ${id}`);
    return user;
  }

  byUsername(username: string): UserRow | undefined {
    return this.db
      .select()
      .from(users)
      .where(sql`${users.username} = ${username} collate nocase`)
      .get();
  }

  create(input: { username: string; displayName: string; role: Role; passwordHash: string }): UserRow {
    if (this.byUsername(input.username)) throw conflict(`The username "${input.username}" is taken`, { field: 'username' });
    const now = this.clock.now();
    const row: UserRow = {
      id: this.newId(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash: input.passwordHash,
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.db.insert(users).values(row).run();
    return row;
  }

  update(id: string, patch: Partial<Omit<UserRow, 'id' | 'createdAt'>>): UserRow {
    this.byIdOrThrow(id);
    this.db
      .update(users)
      .set({ ...patch, updatedAt: this.clock.now() })
      .where(eq(users.id, id))
      .run();
    return this.byIdOrThrow(id);
  }

  countActiveAdmins(): number {
    return (
      this.db
        .select({ n: count() })
        .from(users)
        .where(sql`${users.role} = 'admin' and ${users.disabled} = 0`)
        .get()?.n ?? 0
    );
  }
}
