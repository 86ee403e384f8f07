// The task list of a what-if from CSV: a header row, then one task per line. Columns (any order,
// case-insensitive): type (required), title, priority, requires ("weld:3;inspect:2"),
// arrivalMinutes and deadlineMinutes (after the start of the simulation). Bad lines are skipped
// with a warning naming the line; the file never throws.
import { SkillName, TASK_PRIORITIES, TaskType, type TaskPriority } from '../../preload/contract';
import type { SimTask } from '../delegation/simulator';

const MINUTE = 60_000;
const MAX_WARNINGS = 20;

/** Splits one CSV line: commas, double-quoted fields with "" for a quote. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      out.push(field.trim());
      field = '';
    } else {
      field += ch;
    }
  }
  out.push(field.trim());
  return out;
}

function parseRequires(text: string): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const part of text.split(/[;|]/)) {
    const item = part.trim();
    if (!item) continue;
    const [name, level] = item.split(':').map((x) => x.trim());
    if (!name || !SkillName.safeParse(name).success) return `bad skill "${item}"`;
    const n = level === undefined || level === '' ? 1 : Number(level);
    if (!Number.isInteger(n) || n < 1 || n > 5) return `bad level in "${item}" (1-5)`;
    out[name] = n;
  }
  return out;
}

export interface ParsedCsv {
  tasks: SimTask[];
  warnings: string[];
}

export function parseSimCsv(text: string, startAt: number, maxTasks: number): ParsedCsv {
  const warnings: string[] = [];
  let skipped = 0;
  const warn = (message: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else skipped++;
  };
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) return { tasks: [], warnings: ['The CSV is empty'] };
  const header = splitCsvLine(lines[headerAt]!).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name.toLowerCase());
  const c = {
    type: col('type'),
    title: col('title'),
    priority: col('priority'),
    requires: col('requires'),
    arrival: col('arrivalMinutes'),
    deadline: col('deadlineMinutes'),
  };
  if (c.type < 0) return { tasks: [], warnings: ['The CSV header needs a "type" column'] };
  const tasks: SimTask[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (tasks.length >= maxTasks) {
      warn(`Only the first ${maxTasks} tasks are simulated`);
      break;
    }
    const f = splitCsvLine(line);
    const at = `line ${i + 1}`;
    const type = f[c.type] ?? '';
    if (!TaskType.safeParse(type).success) {
      warn(`${at}: bad or missing type "${type.slice(0, 40)}"`);
      continue;
    }
    const priorityText = (c.priority >= 0 ? f[c.priority] : '')?.toLowerCase() || 'normal';
    if (!(TASK_PRIORITIES as readonly string[]).includes(priorityText)) {
      warn(`${at}: unknown priority "${priorityText.slice(0, 20)}"`);
      continue;
    }
    let requires: Record<string, number> | undefined;
    if (c.requires >= 0 && f[c.requires]) {
      const r = parseRequires(f[c.requires]!);
      if (typeof r === 'string') {
        warn(`${at}: ${r}`);
        continue;
      }
      if (Object.keys(r).length) requires = r;
    }
    const minutes = (index: number): number | null | 'bad' => {
      if (index < 0 || !f[index]) return null;
      const n = Number(f[index]);
      return Number.isFinite(n) && n >= 0 ? n : 'bad';
    };
    const arrival = minutes(c.arrival);
    const deadline = minutes(c.deadline);
    if (arrival === 'bad' || deadline === 'bad') {
      warn(`${at}: arrivalMinutes and deadlineMinutes must be numbers >= 0`);
      continue;
    }
    tasks.push({
      id: `csv-${i + 1}`,
      type,
      title: c.title >= 0 && f[c.title] ? f[c.title] : type,
      priority: priorityText as TaskPriority,
      requires,
      arrivalAt: startAt + Math.round((arrival ?? 0) * MINUTE),
      deadline: deadline === null ? null : startAt + Math.round(deadline * MINUTE),
    });
  }
  if (skipped > 0) warnings.push(`… and ${skipped} more lines skipped`);
  return { tasks, warnings };
}
