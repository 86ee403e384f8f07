// The "New task" form: what people type (strings) -> a `tasks.create` input, with one message per
// field. Numbers, dates, JSON and lists are read here; everything else is the contract's schema.
import { TaskInput, type TaskPriority } from '../../../preload/contract';
import type { z } from 'zod';
import { issueMessage, type FieldErrors } from './form';
import { parseIdList, parseList, parseSkills } from './skills';

export interface NewTaskValues {
  type: string;
  title: string;
  priority: TaskPriority;
  /** JSON text; '' for no payload. */
  payload: string;
  /** "weld:3, inspect:2" */
  requires: string;
  /** `yyyy-mm-ddThh:mm` from a datetime-local input, local time; '' for none. */
  deadline: string;
  runAt: string;
  maxAttempts: string;
  /** Seconds per attempt; '' for no timeout. */
  timeoutSeconds: string;
  tags: string;
  dependsOn: string;
  idempotencyKey: string;
}

export type NewTaskField = keyof NewTaskValues;

export const EMPTY_NEW_TASK: NewTaskValues = {
  type: '',
  title: '',
  priority: 'normal',
  payload: '',
  requires: '',
  deadline: '',
  runAt: '',
  maxAttempts: '3',
  timeoutSeconds: '',
  tags: '',
  dependsOn: '',
  idempotencyKey: '',
};

/** Which form field a path of the contract's schema belongs to. */
const FIELD_OF_KEY: Partial<Record<string, NewTaskField>> = {
  type: 'type',
  title: 'title',
  priority: 'priority',
  payload: 'payload',
  requires: 'requires',
  deadline: 'deadline',
  runAt: 'runAt',
  maxAttempts: 'maxAttempts',
  timeoutMs: 'timeoutSeconds',
  tags: 'tags',
  dependsOn: 'dependsOn',
  idempotencyKey: 'idempotencyKey',
};

/** Local date-time from a datetime-local input -> epoch ms; undefined for '' or nonsense. */
export function parseLocalDateTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Epoch ms -> the value a datetime-local input shows (local time, minutes). */
export function toLocalDateTimeInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export interface NewTaskResult {
  input: TaskInput | null;
  errors: FieldErrors<NewTaskField>;
}

export function readNewTask(values: NewTaskValues): NewTaskResult {
  const errors: FieldErrors<NewTaskField> = {};
  const input: Record<string, unknown> = { type: values.type.trim(), priority: values.priority };

  if (values.title.trim()) input.title = values.title.trim();

  if (values.payload.trim()) {
    try {
      input.payload = JSON.parse(values.payload) as unknown;
    } catch (error) {
      errors.payload = `Not valid JSON: ${error instanceof Error ? error.message : 'cannot be read'}.`;
    }
  }

  if (values.requires.trim()) {
    const skills = parseSkills(values.requires);
    if (skills.ok) input.requires = skills.skills;
    else errors.requires = skills.error;
  }

  for (const field of ['deadline', 'runAt'] as const) {
    if (!values[field]) continue;
    const ms = parseLocalDateTime(values[field]);
    if (ms === undefined) errors[field] = 'Enter a date and time.';
    else input[field] = ms;
  }

  // A number out of range ("-5", "0") is still a number: the schema's limits answer for it.
  const attempts = values.maxAttempts.trim();
  if (attempts) {
    if (!/^[-+]?\d+$/.test(attempts)) errors.maxAttempts = 'Enter a whole number.';
    else input.maxAttempts = Number(attempts);
  }

  const timeout = values.timeoutSeconds.trim().replace(',', '.');
  if (timeout) {
    const seconds = Number(timeout);
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(timeout) || !Number.isFinite(seconds)) errors.timeoutSeconds = 'Enter a number of seconds.';
    else input.timeoutMs = Math.round(seconds * 1000);
  }

  const tags = parseList(values.tags);
  if (tags.length > 0) input.tags = tags;
  const dependsOn = parseIdList(values.dependsOn);
  if (dependsOn.length > 0) input.dependsOn = dependsOn;
  if (values.idempotencyKey.trim()) input.idempotencyKey = values.idempotencyKey.trim();

  const parsed = TaskInput.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF_KEY[String(issue.path[0] ?? '')];
      if (!field || errors[field] !== undefined) continue;
      errors[field] = describeIssue(field, issue, input);
    }
  }
  const ok = Object.values(errors).every((message) => message === undefined);
  return { input: ok && parsed.success ? (input as TaskInput) : null, errors };
}

function describeIssue(field: NewTaskField, issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  // The schema counts milliseconds; the form asks for seconds.
  if (field === 'timeoutSeconds') return 'From 0.1 seconds to 7 days.';
  const message = issueMessage(issue);
  const index = issue.path[1];
  if (typeof index === 'number') {
    const list = input[String(issue.path[0])];
    const item = Array.isArray(list) ? String(list[index]) : '';
    return `“${item}”: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
  return message;
}
