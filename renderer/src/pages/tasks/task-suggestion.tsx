// "Describe the work" in the New task dialog: the classifier's suggested task type and required
// skills for the text typed, asked once typing pauses, with its confidence and one click to apply.
import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { TaskSuggestion } from '../../../../preload/contract';
import { Badge } from '../../components/badge';
import { formatPercent } from '../../lib/explanation';
import { formatSkills } from '../../lib/skills';
import { Debouncer, SUGGEST_DEBOUNCE_MS, confidenceLevel, isUsable, matchesSuggestion, suggestionQuery } from '../../lib/suggestion';
import { useCall } from '../../query/call-hooks';

export interface SuggestionState {
  /** The text the shown suggestion answers (null: nothing asked yet). */
  query: string | null;
  data: TaskSuggestion | undefined;
  isFetching: boolean;
  error: Error | null;
  onTextChange(text: string): void;
}

export function useSuggestion(description: string): SuggestionState {
  const [query, setQuery] = useState<string | null>(() => suggestionQuery(description));
  const debouncer = useMemo(() => new Debouncer<string | null>(SUGGEST_DEBOUNCE_MS, setQuery), []);
  useEffect(() => () => debouncer.cancel(), [debouncer]);
  const result = useCall('delegation.suggest', { text: query ?? '' }, { enabled: query !== null, staleTime: 60_000, retry: false, placeholderData: keepPreviousData });
  return {
    query,
    data: query === null ? undefined : result.data,
    isFetching: result.isFetching,
    error: result.error,
    onTextChange: (text) => debouncer.push(suggestionQuery(text)),
  };
}

const CONFIDENCE_TONES = { low: 'neutral', medium: 'info', high: 'ok' } as const;
const CONFIDENCE_WORDS = { low: 'Low confidence', medium: 'Medium confidence', high: 'High confidence' } as const;

export function SuggestionPanel({
  description,
  suggestion,
  values,
  onApply,
  onPickType,
}: {
  description: string;
  suggestion: SuggestionState;
  values: { type: string; requires: string };
  onApply(suggestion: TaskSuggestion & { type: string }): void;
  onPickType(type: string): void;
}) {
  const typed = suggestionQuery(description) !== null;
  const data = suggestion.data;
  let body;
  if (!typed) {
    body = <p className="muted">Type a few words to get a suggested type and skills.</p>;
  } else if (suggestion.error && !data) {
    body = <p className="muted">No suggestion: {suggestion.error.message}</p>;
  } else if (!data) {
    body = <p className="muted">Looking for a suggestion…</p>;
  } else if (!isUsable(data)) {
    body = <p className="muted">No suggestion yet: the classifier learns from the tasks created here and from your corrections.</p>;
  } else {
    const level = confidenceLevel(data.confidence);
    const applied = matchesSuggestion(values, data);
    const skills = formatSkills(data.skills);
    // Alternatives below 5% are noise, not a choice.
    const others = data.alternatives.filter((alt) => alt.type !== data.type && alt.p >= 0.05).slice(0, 2);
    body = (
      <>
        <div className="suggestion__line">
          <span className="muted">Type</span>
          <code className="suggestion__type">{data.type}</code>
          <Badge tone={CONFIDENCE_TONES[level]} title={`Learned from ${data.trainedOn} examples`}>
            {CONFIDENCE_WORDS[level]} · {formatPercent(data.confidence)}
          </Badge>
        </div>
        <div className="suggestion__line">
          <span className="muted">Skills</span>
          {skills ? <code>{skills}</code> : <span className="muted">none needed</span>}
        </div>
        <div className="suggestion__line suggestion__actions">
          <button type="button" className="btn btn--secondary btn--small" disabled={applied} onClick={() => onApply(data)}>
            {applied ? 'Suggestion applied' : 'Use suggestion'}
          </button>
          {others.map((alt) => (
            <button key={alt.type} type="button" className="link-button suggestion__alt" aria-label={`Use type ${alt.type} instead`} onClick={() => onPickType(alt.type)}>
              or {alt.type} ({formatPercent(alt.p)})
            </button>
          ))}
        </div>
      </>
    );
  }
  return (
    <section className="suggestion" aria-label="Suggestion" aria-live="polite" aria-busy={suggestion.isFetching}>
      <h3 className="suggestion__title">Suggestion</h3>
      {body}
    </section>
  );
}
