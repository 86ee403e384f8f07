// The New task dialog's "Describe the work": the text is sent to the classifier once typing pauses
// (Debouncer), its suggestion is applied to the form in one click, and when the supervisor ends up
// with another type or other skills the classifier is told (correctionFor). Pure, tested in node.
import type { CallInput, TaskSuggestion } from '../../../preload/contract';
import type { Timers } from '../bridge/ws-client';
import { formatSkills, parseSkills } from './skills';

/** Below this many characters a description says too little to classify. */
export const SUGGEST_MIN_CHARS = 3;
export const SUGGEST_DEBOUNCE_MS = 400;
/** Longest description the classifier takes (the contract's limit). */
export const DESCRIPTION_MAX = 500;

/** Calls `fn` with the last value once `ms` pass without a new one. */
export class Debouncer<T> {
  private timer: unknown = null;

  constructor(
    private readonly ms: number,
    private readonly fn: (value: T) => void,
    private readonly timers: Timers = {
      setTimeout: (callback, delay) => globalThis.setTimeout(callback, delay),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  ) {}

  push(value: T): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.fn(value);
    }, this.ms);
  }

  /** Forget a pending value (the dialog closed). */
  cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The text to classify, or null when there is too little to ask about. */
export function suggestionQuery(text: string): string | null {
  const trimmed = text.trim().replace(/\s+/g, ' ').slice(0, DESCRIPTION_MAX);
  return trimmed.length >= SUGGEST_MIN_CHARS ? trimmed : null;
}

/** Whether a suggestion says anything worth applying. */
export function isUsable(suggestion: TaskSuggestion | undefined): suggestion is TaskSuggestion & { type: string } {
  return suggestion !== undefined && suggestion.type !== null;
}

export type ConfidenceLevel = 'low' | 'medium' | 'high';

export function confidenceLevel(confidence: number): ConfidenceLevel {
  if (confidence >= 0.75) return 'high';
  if (confidence >= 0.45) return 'medium';
  return 'low';
}

/** The form fields a suggestion fills. */
export interface SuggestedFields {
  type: string;
  requires: string;
  title: string;
}

/**
 * The form after "Use suggestion": the type and required skills replaced; the title takes the
 * description when it is empty and the description fits.
 */
export function applySuggestion<V extends SuggestedFields>(values: V, suggestion: TaskSuggestion & { type: string }, description: string): V {
  const text = description.trim().replace(/\s+/g, ' ');
  return {
    ...values,
    type: suggestion.type,
    requires: formatSkills(suggestion.skills),
    title: values.title.trim() !== '' || text.length > 200 ? values.title : text,
  };
}

function sameSkills(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/**
 * What to teach the classifier once the task is created, or null when there is nothing to teach:
 * no description, or the task has exactly the suggested type and skills. A description with no
 * usable suggestion (a new site) teaches it too.
 */
export function correctionFor(
  description: string,
  suggestion: TaskSuggestion | undefined,
  task: { type: string; requires?: Readonly<Record<string, number>> | undefined },
): CallInput<'delegation.correct'> | null {
  const text = suggestionQuery(description);
  if (!text) return null;
  const requires = { ...(task.requires ?? {}) };
  if (isUsable(suggestion) && suggestion.type === task.type && sameSkills(suggestion.skills, requires)) return null;
  return { text, type: task.type, requires };
}

/** Whether the form still holds the suggestion as applied (the "Applied" mark). */
export function matchesSuggestion(values: Pick<SuggestedFields, 'type' | 'requires'>, suggestion: TaskSuggestion | undefined): boolean {
  if (!isUsable(suggestion)) return false;
  const skills = parseSkills(values.requires);
  return values.type.trim() === suggestion.type && skills.ok && sameSkills(skills.skills, suggestion.skills);
}
