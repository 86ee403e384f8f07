// Reading a CSV or JSON file of tasks in the browser, before anything is sent: each row becomes a
// `tasks.createBatch` item or a list of plain-language errors. The host checks everything again
// (the batch is all or nothing there); this is so people can fix the file first.
import Papa from 'papaparse';
import { TASK_BATCH_MAX, TaskBatchItem } from '../../../preload/contract';
import type { z } from 'zod';
import { issueMessage, sentence } from './form';
import { parseIdList, parseList, parseSkills } from './skills';

export type TaskBatchItemInput = z.input<typeof TaskBatchItem>;

/** Files larger than this are refused unread. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

export interface ImportColumn {
  /** The CSV header (snake_case; camelCase and spaces are read too). */
  name: string;
  key: keyof TaskBatchItemInput;
  required?: boolean;
  description: string;
  example: string;
}

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { name: 'type', key: 'type', required: true, description: 'What kind of work; agents claim by type.', example: 'weld.seam' },
  { name: 'title', key: 'title', description: 'Shown in lists; defaults to the type.', example: 'Weld seam A-12' },
  { name: 'priority', key: 'priority', description: 'critical, high, normal (default) or low.', example: 'high' },
  { name: 'payload', key: 'payload', description: 'JSON handed to the agent.', example: '{"program":"P-12"}' },
  { name: 'requires', key: 'requires', description: 'Skills as skill:level (1-5), separated by semicolons or commas.', example: 'weld:3; inspect:2' },
  { name: 'deadline', key: 'deadline', description: 'ISO 8601 date-time (local unless it has an offset) or epoch ms.', example: '2025-06-01T14:00' },
  { name: 'run_at', key: 'runAt', description: 'Not before this time; same formats as deadline.', example: '2025-06-01T08:00' },
  { name: 'max_attempts', key: 'maxAttempts', description: '1 to 100 (default 3).', example: '5' },
  { name: 'timeout_ms', key: 'timeoutMs', description: 'Per attempt, in milliseconds.', example: '60000' },
  { name: 'tags', key: 'tags', description: 'Separated by semicolons or commas.', example: 'line-4; night' },
  { name: 'depends_on', key: 'dependsOn', description: 'Ids of existing tasks that must succeed first.', example: '01J…' },
  { name: 'idempotency_key', key: 'idempotencyKey', description: 'Importing the same row twice then creates it once.', example: 'order-1182-weld' },
  { name: 'ref', key: 'ref', description: 'A name for this row that later rows can depend on.', example: 'weld-1' },
  { name: 'depends_on_refs', key: 'dependsOnRefs', description: 'refs of earlier rows in this file.', example: 'weld-1' },
];

const normalize = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const COLUMN_BY_HEADER = new Map(IMPORT_COLUMNS.flatMap((column) => [[normalize(column.name), column] as const, [normalize(column.key), column] as const]));
const COLUMN_BY_KEY = new Map(IMPORT_COLUMNS.map((column) => [column.key as string, column]));

export interface ImportRow {
  /** 1-based position in the file's list of tasks (a CSV's header is not counted). */
  index: number;
  item: TaskBatchItemInput | null;
  errors: string[];
  /** For the preview, valid or not. */
  type: string;
  title: string;
  priority: string;
}

export interface ImportPreview {
  format: 'csv' | 'json';
  rows: ImportRow[];
  /** Problems with the file as a whole (unreadable, unknown columns, too many rows). */
  fileErrors: string[];
}

export function importIsValid(preview: ImportPreview): boolean {
  return preview.fileErrors.length === 0 && preview.rows.length > 0 && preview.rows.every((row) => row.errors.length === 0);
}

/** The batch to send, or null while anything is wrong. */
export function importBatch(preview: ImportPreview): TaskBatchItemInput[] | null {
  if (!importIsValid(preview)) return null;
  return preview.rows.map((row) => row.item!);
}

/** Pick the reader by file name, falling back to the content's first character. */
export function parseTaskFile(fileName: string, text: string): ImportPreview {
  const body = text.replace(/^\uFEFF/, '');
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return parseTaskJson(body);
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return parseTaskCsv(body);
  return /^\s*[[{]/.test(body) ? parseTaskJson(body) : parseTaskCsv(body);
}

/** Epoch ms from "1717243200000", "2025-06-01" (local midnight) or an ISO 8601 date-time. */
export function parseDateCell(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) return new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime();
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) return undefined;
  const ms = new Date(value.replace(' ', 'T')).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseTaskCsv(text: string): ImportPreview {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim(),
  });
  const fileErrors: string[] = [];
  const headers = (parsed.meta.fields ?? []).filter((header) => header !== '');
  const unknown = headers.filter((header) => !COLUMN_BY_HEADER.has(normalize(header)));
  if (unknown.length > 0) {
    fileErrors.push(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((h) => `“${h}”`).join(', ')}. The columns are listed below.`);
  }
  if (!headers.some((header) => normalize(header) === 'type')) fileErrors.push('The first line must name the columns, and one of them must be “type”.');
  const rowErrors = new Map<number, string[]>();
  for (const error of parsed.errors) {
    if (error.row === undefined || error.code === 'UndetectableDelimiter') continue;
    const list = rowErrors.get(error.row) ?? [];
    list.push(sentence(error.message));
    rowErrors.set(error.row, list);
  }
  const rows = parsed.data.map((record, i) => {
    const errors = [...(rowErrors.get(i) ?? [])];
    const raw: Record<string, unknown> = {};
    for (const [header, cell] of Object.entries(record)) {
      const column = COLUMN_BY_HEADER.get(normalize(header));
      if (!column || typeof cell !== 'string' || cell.trim() === '') continue;
      const value = readCell(column, cell, errors);
      if (value !== undefined) raw[column.key] = value;
    }
    return finishRow(i + 1, raw, errors, 'csv');
  });
  return finish('csv', rows, fileErrors);
}

/** A cell's text -> the value the contract expects, or an error in `errors`. */
function readCell(column: ImportColumn, cell: string, errors: string[]): unknown {
  const text = cell.trim();
  switch (column.key) {
    case 'payload':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        errors.push(`payload: not valid JSON.`);
        return undefined;
      }
    case 'requires': {
      const skills = parseSkills(text);
      if (skills.ok) return skills.skills;
      errors.push(`requires: ${skills.error}`);
      return undefined;
    }
    case 'deadline':
    case 'runAt': {
      const ms = parseDateCell(text);
      if (ms === undefined) errors.push(`${column.name}: “${text}” is not a date-time; use e.g. 2025-06-01T14:00.`);
      return ms;
    }
    case 'maxAttempts':
    case 'timeoutMs':
      // "-5" is a whole number: the contract's limits say what is wrong with it.
      if (!/^[-+]?\d+$/.test(text)) {
        errors.push(`${column.name}: “${text}” is not a whole number.`);
        return undefined;
      }
      return Number(text);
    case 'priority':
      return text.toLowerCase();
    case 'tags':
    case 'dependsOnRefs':
      return parseList(text);
    case 'dependsOn':
      return parseIdList(text);
    default:
      return text;
  }
}

export function parseTaskJson(text: string): ImportPreview {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { format: 'json', rows: [], fileErrors: [`The file is not valid JSON: ${error instanceof Error ? error.message : 'cannot be read'}.`] };
  }
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.tasks) ? data.tasks : null;
  if (!list) return { format: 'json', rows: [], fileErrors: ['Expected a list of tasks: [ {…}, … ] or { "tasks": [ … ] }.'] };
  const rows = list.map((entry: unknown, i: number) => {
    const errors: string[] = [];
    if (!isObject(entry)) return { index: i + 1, item: null, errors: ['Not an object.'], type: '', title: '', priority: '' };
    const raw: Record<string, unknown> = { ...entry };
    // Times may be written as ISO strings, as in the CSV.
    for (const key of ['deadline', 'runAt'] as const) {
      const value = raw[key];
      if (typeof value !== 'string') continue;
      const ms = parseDateCell(value);
      if (ms === undefined) {
        errors.push(`${key}: “${value}” is not a date-time; use e.g. 2025-06-01T14:00 or epoch ms.`);
        delete raw[key];
      } else raw[key] = ms;
    }
    return finishRow(i + 1, raw, errors, 'json');
  });
  return finish('json', rows, []);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finishRow(index: number, raw: Record<string, unknown>, errors: string[], format: 'csv' | 'json'): ImportRow {
  const show = (value: unknown) => (typeof value === 'string' ? value : '');
  const row: ImportRow = { index, item: null, errors, type: show(raw.type), title: show(raw.title), priority: show(raw.priority) };
  const parsed = TaskBatchItem.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (issue.code === 'unrecognized_keys') {
        errors.push(sentence(`Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`));
        continue;
      }
      const name = format === 'csv' ? (COLUMN_BY_KEY.get(key)?.name ?? key) : issue.path.map(String).join('.');
      // Earlier checks (JSON, dates, numbers) already explained the field.
      if (errors.some((message) => message.startsWith(`${name}:`))) continue;
      if (issue.code === 'invalid_type' && issue.path.length === 1 && raw[key] === undefined) {
        errors.push(`${name}: required.`);
        continue;
      }
      const message = issueMessage(issue);
      errors.push(name ? `${name}: ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message);
    }
  }
  if (errors.length === 0 && parsed.success) row.item = raw as TaskBatchItemInput;
  return row;
}

function finish(format: 'csv' | 'json', rows: ImportRow[], fileErrors: string[]): ImportPreview {
  if (rows.length === 0 && fileErrors.length === 0) fileErrors.push('The file holds no tasks.');
  if (rows.length > TASK_BATCH_MAX) {
    fileErrors.push(`The file holds ${rows.length.toLocaleString()} tasks; at most ${TASK_BATCH_MAX.toLocaleString()} can be imported at once. Split it into smaller files.`);
  }
  // refs: unique, and a row may only depend on rows above it (the host creates them in order).
  const seen = new Set<string>();
  for (const row of rows) {
    const item = row.item;
    if (!item) {
      continue;
    }
    for (const ref of item.dependsOnRefs ?? []) {
      if (!seen.has(ref)) {
        row.errors.push(`${format === 'csv' ? 'depends_on_refs' : 'dependsOnRefs'}: no row above this one has the ref “${ref}”.`);
      }
    }
    if (item.ref !== undefined) {
      if (seen.has(item.ref)) row.errors.push(`ref: “${item.ref}” is already used by a row above.`);
      seen.add(item.ref);
    }
    if (row.errors.length > 0) row.item = null;
  }
  return { format, rows, fileErrors };
}
