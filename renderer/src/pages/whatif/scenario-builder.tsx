// The What-if scenario builder: the task list (the current queue or a CSV file), the start (now,
// tomorrow's shift start or a time typed in), the horizon and seed, and scenarios, each a list of
// changes to the current roster and policy (add or remove an agent, another shift, other weights).
// Everything typed is checked by lib/scenario.ts.
import { useRef, type ReactNode } from 'react';
import { AGENT_KINDS, DELEGATION_COMPONENTS, SIM_START_AHEAD_MAX_MS, type AgentDto, type AgentKind, type DelegationWeights } from '../../../../preload/contract';
import { AGENT_KIND_LABELS } from '../../components/agent-badges';
import { SelectField, TextField } from '../../components/field';
import { COMPONENT_LABELS } from '../../lib/explanation';
import {
  CHANGE_LABELS,
  CSV_COLUMNS_HELP,
  localDateTimeText,
  MAX_SCENARIOS,
  newChange,
  newScenario,
  suggestedName,
  tomorrowShiftStart,
  type ChangeKind,
  type DraftErrors,
  type ScenarioChange,
  type ScenarioDraft,
  type StartChoice,
  type WhatIfDraft,
} from '../../lib/scenario';
import { useNow } from '../../lib/use-now';
import { useCall } from '../../query/call-hooks';

const KIND_OPTIONS = AGENT_KINDS.map((kind) => ({ value: kind, label: AGENT_KIND_LABELS[kind] }));
const CHANGE_KINDS: readonly ChangeKind[] = ['add', 'remove', 'shift', 'weights'];
/** CSV files larger than this are refused unread (the host takes 2 million characters). */
const CSV_MAX_BYTES = 4 * 1024 * 1024;

export interface ScenarioBuilderProps {
  draft: WhatIfDraft;
  errors: DraftErrors;
  /** Show field errors (after the first Run). */
  showErrors: boolean;
  agents: readonly AgentDto[];
  weights: DelegationWeights | undefined;
  onChange(update: (draft: WhatIfDraft) => WhatIfDraft): void;
}

export function ScenarioBuilder({ draft, errors, showErrors, agents, weights, onChange }: ScenarioBuilderProps) {
  const fileRef = useRef<HTMLInputElement>(null);
  const error = (key: string) => (showErrors ? errors[key] : undefined);
  const agentName = (id: string) => agents.find((agent) => agent.id === id)?.name ?? 'agent';
  const agentOptions = [{ value: '', label: 'Choose an agent…' }, ...agents.map((agent) => ({ value: agent.id, label: `${agent.name} (${AGENT_KIND_LABELS[agent.kind].toLowerCase()})` }))];

  const setScenario = (id: string, update: (scenario: ScenarioDraft) => ScenarioDraft) =>
    onChange((current) => ({
      ...current,
      scenarios: current.scenarios.map((scenario) => {
        if (scenario.id !== id) return scenario;
        const next = update(scenario);
        // A scenario still called "Scenario N" is named after what it changes.
        const named = suggestedName(next, agentName);
        return named && named !== next.name ? { ...next, name: named } : next;
      }),
    }));

  const readCsv = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > CSV_MAX_BYTES) {
      onChange((current) => ({ ...current, csv: '', csvName: `${file.name} (too large)` }));
      return;
    }
    const text = (await file.text()).replace(/^\uFEFF/, '');
    onChange((current) => ({ ...current, source: 'csv', csv: text, csvName: file.name }));
  };
  const csvLines = draft.csv ? draft.csv.split(/\r?\n/).filter((line) => line.trim()).length - 1 : 0;

  const now = useNow(60_000);
  const siteZone = useCall('delegation.getSettings', {}, { staleTime: 60_000 }).data?.timeZone;
  const tomorrow = tomorrowShiftStart(agents, now, siteZone);
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const startOptions: ReadonlyArray<{ value: StartChoice; label: string }> = [
    { value: 'now', label: 'Now' },
    { value: 'tomorrow', label: `Tomorrow at ${tomorrow.clock}` },
    { value: 'at', label: 'Another time' },
  ];
  const chooseStart = (start: StartChoice) =>
    onChange((current) => ({
      ...current,
      start,
      startAt: start === 'tomorrow' ? tomorrow.startAt : start === 'at' && !current.startAt ? localDateTimeText(now + 3_600_000) : current.startAt,
    }));

  return (
    <div className="builder">
      <section className="builder__setup" aria-label="Task list and run settings">
        <fieldset className="builder__source">
          <legend className="field__label">Tasks to simulate</legend>
          <label className="check">
            <input type="radio" name="whatif-source" checked={draft.source === 'queue'} onChange={() => onChange((current) => ({ ...current, source: 'queue' }))} />
            <span>Current queue</span>
          </label>
          <label className="check">
            <input type="radio" name="whatif-source" checked={draft.source === 'csv'} onChange={() => onChange((current) => ({ ...current, source: 'csv' }))} />
            <span>A CSV file of tasks</span>
          </label>
        </fieldset>
        {draft.source === 'csv' && (
          <div className={`field builder__csv${error('csv') ? ' field--invalid' : ''}`}>
            <label className="field__label" htmlFor="whatif-csv">
              Task list (CSV)
            </label>
            <input
              ref={fileRef}
              id="whatif-csv"
              className="file-input"
              type="file"
              accept=".csv,text/csv,text/plain"
              aria-describedby="whatif-csv-hint"
              aria-invalid={error('csv') ? true : undefined}
              onChange={(event) => void readCsv(event.target.files?.[0])}
            />
            {error('csv') ? (
              <p className="field__error" id="whatif-csv-hint">
                {error('csv')}
              </p>
            ) : (
              <p className="field__hint" id="whatif-csv-hint">
                {draft.csvName ? `${draft.csvName}: ${csvLines.toLocaleString()} ${csvLines === 1 ? 'task' : 'tasks'}. ` : ''}Columns: {CSV_COLUMNS_HELP}.
              </p>
            )}
          </div>
        )}
        <SelectField<StartChoice>
          label="Start"
          value={draft.start}
          options={startOptions}
          onValueChange={chooseStart}
          hint={draft.start === 'now' ? 'When you run it.' : 'Shifts and task arrivals count from it.'}
        />
        {draft.start !== 'now' && (
          <TextField
            label="Start at"
            type="datetime-local"
            value={draft.startAt}
            min={localDateTimeText(now)}
            max={localDateTimeText(now + SIM_START_AHEAD_MAX_MS)}
            onValueChange={(startAt) => onChange((current) => ({ ...current, start: 'at', startAt }))}
            error={error('startAt')}
            hint={siteZone && siteZone !== localZone ? `This computer’s clock; the site’s shifts are in ${siteZone}.` : 'Up to 14 days ahead.'}
          />
        )}
        <TextField
          label="Horizon (hours)"
          inputMode="decimal"
          value={draft.horizonHours}
          onValueChange={(value) => onChange((current) => ({ ...current, horizonHours: value }))}
          error={error('horizonHours')}
          hint="Shifts are laid out over this time."
          fieldClassName="builder__small"
        />
        <TextField
          label="Seed"
          inputMode="numeric"
          value={draft.seed}
          onValueChange={(value) => onChange((current) => ({ ...current, seed: value }))}
          error={error('seed')}
          hint="The same seed gives the same result."
          fieldClassName="builder__small"
        />
      </section>

      <div className="builder__scenarios">
        <section className="scenario scenario--base" aria-label="Base">
          <div className="scenario__head">
            <span className="scenario__swatch scenario__swatch--0" aria-hidden="true" />
            <h3 className="scenario__title">Current policy</h3>
          </div>
          <p className="muted">The base: the current roster, shifts and weights. Every scenario is compared with it.</p>
          <p className="muted">Agents’ current status counts only for a start within the hour; shifts, breaks and maintenance windows always do.</p>
        </section>
        {draft.scenarios.map((scenario, index) => (
          <ScenarioCard
            key={scenario.id}
            index={index}
            scenario={scenario}
            error={error}
            agentOptions={agentOptions}
            weights={weights}
            onChange={(update) => setScenario(scenario.id, update)}
            onRemove={() => onChange((current) => ({ ...current, scenarios: current.scenarios.filter((s) => s.id !== scenario.id) }))}
          />
        ))}
        {draft.scenarios.length < MAX_SCENARIOS && (
          <button
            type="button"
            className="scenario scenario--add"
            onClick={() => onChange((current) => ({ ...current, scenarios: [...current.scenarios, newScenario(nextScenarioNumber(current.scenarios))] }))}
          >
            <span aria-hidden="true" className="scenario__plus">
              +
            </span>
            Add scenario
          </button>
        )}
      </div>
    </div>
  );
}

function nextScenarioNumber(scenarios: readonly ScenarioDraft[]): number {
  const used = new Set(scenarios.map((s) => s.name));
  let n = scenarios.length + 1;
  while (used.has(`Scenario ${n}`)) n++;
  return n;
}

function ScenarioCard({
  index,
  scenario,
  error,
  agentOptions,
  weights,
  onChange,
  onRemove,
}: {
  index: number;
  scenario: ScenarioDraft;
  error(key: string): string | undefined;
  agentOptions: ReadonlyArray<{ value: string; label: string }>;
  weights: DelegationWeights | undefined;
  onChange(update: (scenario: ScenarioDraft) => ScenarioDraft): void;
  onRemove(): void;
}) {
  const at = `scenarios.${index}`;
  const setChange = (id: string, patch: Partial<ScenarioChange>) =>
    onChange((current) => ({ ...current, changes: current.changes.map((change) => (change.id === id ? ({ ...change, ...patch } as ScenarioChange) : change)) }));
  const removeChange = (id: string) => onChange((current) => ({ ...current, changes: current.changes.filter((change) => change.id !== id) }));
  const addChange = (kind: ChangeKind) => onChange((current) => ({ ...current, changes: [...current.changes, newChange(kind, { weights })] }));
  return (
    <section className="scenario" aria-label={`Scenario ${index + 1}`}>
      <div className="scenario__head">
        <span className={`scenario__swatch scenario__swatch--${(index + 1) % 9}`} aria-hidden="true" />
        <TextField
          label="Scenario name"
          value={scenario.name}
          onValueChange={(name) => onChange((current) => ({ ...current, name, autoName: false }))}
          error={error(`${at}.name`)}
          maxLength={64}
          fieldClassName="scenario__name"
          autoComplete="off"
        />
        <button type="button" className="icon-button" aria-label={`Remove scenario ${index + 1}`} title="Remove scenario" onClick={onRemove}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {scenario.changes.map((change, changeIndex) => (
        <ChangeFields
          key={change.id}
          change={change}
          error={(key) => error(`${at}.changes.${changeIndex}.${key}`)}
          agentOptions={agentOptions}
          onPatch={(patch) => setChange(change.id, patch)}
          onRemove={() => removeChange(change.id)}
        />
      ))}
      {error(`${at}.changes`) && <p className="field__error">{error(`${at}.changes`)}</p>}
      <div className="scenario__add" role="group" aria-label="Add a change">
        {CHANGE_KINDS.map((kind) => (
          <button key={kind} type="button" className="btn btn--ghost btn--small" onClick={() => addChange(kind)}>
            + {CHANGE_LABELS[kind]}
          </button>
        ))}
      </div>
    </section>
  );
}

function ChangeFrame({ legend, onRemove, children }: { legend: string; onRemove(): void; children: ReactNode }) {
  return (
    <fieldset className="change">
      <legend className="change__legend">{legend}</legend>
      <button type="button" className="icon-button change__remove" aria-label={`Remove change: ${legend}`} onClick={onRemove}>
        <span aria-hidden="true">×</span>
      </button>
      {children}
    </fieldset>
  );
}

function ChangeFields({
  change,
  error,
  agentOptions,
  onPatch,
  onRemove,
}: {
  change: ScenarioChange;
  error(key: string): string | undefined;
  agentOptions: ReadonlyArray<{ value: string; label: string }>;
  onPatch(patch: Partial<ScenarioChange>): void;
  onRemove(): void;
}) {
  switch (change.kind) {
    case 'add':
      return (
        <ChangeFrame legend={CHANGE_LABELS.add} onRemove={onRemove}>
          <div className="change__grid">
            <TextField label="New agent" value={change.name} onValueChange={(name) => onPatch({ name })} error={error('name')} placeholder="e.g. Welder R9" autoComplete="off" maxLength={64} />
            <SelectField<AgentKind> label="Kind" value={change.agentKind} options={KIND_OPTIONS} onValueChange={(agentKind) => onPatch({ agentKind })} />
            <TextField label="Skills" value={change.skills} onValueChange={(skills) => onPatch({ skills })} error={error('skills')} placeholder="weld:3, inspect:2" autoComplete="off" spellCheck={false} />
            <TextField label="Capacity" value={change.capacity} onValueChange={(capacity) => onPatch({ capacity })} error={error('capacity')} inputMode="numeric" />
          </div>
          <SelectField
            label="Learned record like"
            value={change.likeAgentId}
            options={[{ value: '', label: 'A new agent (no record)' }, ...agentOptions.slice(1)]}
            onValueChange={(likeAgentId) => onPatch({ likeAgentId })}
            hint="Copies that agent’s learned speed and success; skills left empty are copied too."
          />
        </ChangeFrame>
      );
    case 'remove':
      return (
        <ChangeFrame legend={CHANGE_LABELS.remove} onRemove={onRemove}>
          <SelectField label="Agent to remove" value={change.agentId} options={agentOptions} onValueChange={(agentId) => onPatch({ agentId })} error={error('agentId')} />
        </ChangeFrame>
      );
    case 'shift':
      return (
        <ChangeFrame legend={CHANGE_LABELS.shift} onRemove={onRemove}>
          <SelectField label="Whose shift" value={change.agentId} options={agentOptions} onValueChange={(agentId) => onPatch({ agentId })} error={error('agentId')} />
          <TextField
            label="New availability"
            value={change.availability}
            onValueChange={(availability) => onPatch({ availability })}
            error={error('availability')}
            placeholder="shift 14:00-22:00 Mon-Fri; break 18:00-18:30"
            autoComplete="off"
            spellCheck={false}
            hint="Replaces all of the agent’s windows; empty: always available."
          />
        </ChangeFrame>
      );
    case 'weights':
      return (
        <ChangeFrame legend={CHANGE_LABELS.weights} onRemove={onRemove}>
          <div className="change__weights">
            {DELEGATION_COMPONENTS.map((name) => (
              <TextField
                key={name}
                label={COMPONENT_LABELS[name]}
                value={change.weights[name]}
                onValueChange={(value) => onPatch({ weights: { ...change.weights, [name]: value } })}
                error={error(`weights.${name}`)}
                inputMode="decimal"
                autoComplete="off"
              />
            ))}
          </div>
          {error('weights') ? <p className="field__error">{error('weights')}</p> : <p className="field__hint">Each from 0 to 1, for every task type in this scenario.</p>}
        </ChangeFrame>
      );
  }
}
