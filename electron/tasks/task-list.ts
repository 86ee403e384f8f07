// The task list query: filters, text search, sort and keyset (cursor) paging, plus the total
// count of matches. Statements are prepared once per distinct shape and cached.
import type { Statement } from 'better-sqlite3';
import type { TaskListQuery, TaskPage } from '../../preload/contract';
import type { SqliteDatabase } from '../../native/sqlite';
import { invalidInput } from '../core/errors';
import { PRIORITY_RANK, toSummary, type TaskRow } from './model';

const NULLS_LAST = Number.MAX_SAFE_INTEGER;

/** The SQL each sort orders by (before the id tiebreak). `created` is the id itself (ULIDs sort by time). */
const SORT_EXPR: Record<TaskListQuery['sort'], string | null> = {
  created: null,
  updated: 'updated_at',
  /** By rank: asc = most urgent first. */
  priority: 'priority',
  deadline: `coalesce(deadline, ${NULLS_LAST})`,
  state: 'state',
  type: 'type',
};

type CursorValue = string | number | null;

function encodeCursor(value: CursorValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [CursorValue, string] {
  try {
    const raw: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(raw) &&
      raw.length === 2 &&
      (typeof raw[0] === 'string' || typeof raw[0] === 'number' || raw[0] === null) &&
      typeof raw[1] === 'string'
    ) {
      return [raw[0], raw[1]];
    }
  } catch {
    // fall through
  }
  throw invalidInput('The cursor is not one this list handed out', { field: 'cursor' });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class TaskListQueryRunner {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly sqlite: SqliteDatabase) {}

  private prepare(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      if (this.cache.size > 256) this.cache.clear();
      stmt = this.sqlite.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  run(q: TaskListQuery): TaskPage {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.status?.length) {
      where.push('state IN (SELECT value FROM json_each(@status))');
      params.status = JSON.stringify(q.status);
    }
    if (q.priority?.length) {
      where.push('priority IN (SELECT value FROM json_each(@priority))');
      params.priority = JSON.stringify(q.priority.map((p) => PRIORITY_RANK[p]));
    }
    if (q.type) {
      where.push('type = @type');
      params.type = q.type;
    }
    if (q.agentId) {
      where.push('assigned_agent_id = @agentId');
      params.agentId = q.agentId;
    }
    if (q.tag) {
      where.push('EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE value = @tag)');
      params.tag = q.tag;
    }
    const search = q.search?.trim();
    if (search) {
      where.push("(title LIKE @like ESCAPE '\\' OR type LIKE @like ESCAPE '\\' OR id LIKE @like ESCAPE '\\')");
      params.like = `%${escapeLike(search)}%`;
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.prepare(`SELECT count(*) AS n FROM tasks ${filter}`).get(params) as { n: number }).n;

    const expr = SORT_EXPR[q.sort];
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const cmp = q.order === 'asc' ? '>' : '<';
    const pageWhere = [...where];
    const pageParams: Record<string, unknown> = { ...params, limit: q.limit + 1 };
    if (q.cursor) {
      const [value, id] = decodeCursor(q.cursor);
      pageParams.cid = id;
      if (expr) {
        pageWhere.push(`(${expr} ${cmp} @cv OR (${expr} = @cv AND id ${cmp} @cid))`);
        pageParams.cv = value;
      } else {
        pageWhere.push(`id ${cmp} @cid`);
      }
    }
    const order = expr ? `${expr} ${dir}, id ${dir}` : `id ${dir}`;
    const select = expr ? `*, ${expr} AS sort_value` : '*';
    const sql = `SELECT ${select} FROM tasks ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY ${order} LIMIT @limit`;
    const rows = this.prepare(sql).all(pageParams) as (TaskRow & { sort_value?: CursorValue })[];
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    return {
      tasks: page.map(toSummary),
      total,
      nextCursor: more && last ? encodeCursor(expr ? (last.sort_value ?? null) : null, last.id) : null,
    };
  }
}
