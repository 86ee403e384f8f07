// What if (supervisors and up): ask the digital double before the shift starts. Build scenarios on
// top of the current roster and policy, run them over the current queue or a CSV of tasks with one
// seed (reproducible), and compare makespan, deadline misses, queue waits, utilisation and the
// bottleneck. `delegation.simulate` reads only, so a run is a query keyed by its input: coming back
// to the page shows the last result again.
import { useEffect, useRef, useState } from 'react';
import { PageHeader } from '../components/page-header';
import { buildSimulateInput } from '../lib/scenario';
import { useCall } from '../query/call-hooks';
import { useWhatIfViewStore } from '../state/whatif-view-store';
import { ScenarioBuilder } from './whatif/scenario-builder';
import { SimulationResults } from './whatif/simulation-results';

export function WhatIfPage() {
  const draft = useWhatIfViewStore((state) => state.draft);
  const lastRun = useWhatIfViewStore((state) => state.lastRun);
  const setDraft = useWhatIfViewStore((state) => state.setDraft);
  const run = useWhatIfViewStore((state) => state.run);
  const [tried, setTried] = useState(false);
  const resultsRef = useRef<HTMLElement>(null);
  // After Run, the results are brought into view once they are there (they may be long in coming).
  const followRef = useRef(false);
  const agents = useCall('agents.list', {}, { staleTime: 60_000 });
  const settings = useCall('delegation.getSettings', {}, { staleTime: 60_000 });
  const simulation = useCall('delegation.simulate', lastRun ?? { source: 'queue', seed: 0 }, {
    enabled: lastRun !== null,
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    retry: false,
  });
  const { input, errors } = buildSimulateInput(draft);
  const agentList = [...(agents.data?.agents ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const running = simulation.isFetching;
  const errorCount = Object.keys(errors).length;

  useEffect(() => {
    if (running || !followRef.current || (!simulation.data && !simulation.isError)) return;
    followRef.current = false;
    const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    resultsRef.current?.scrollIntoView({ block: 'start', behavior: calm ? 'auto' : 'smooth' });
  }, [running, simulation.data, simulation.isError]);

  const start = () => {
    setTried(true);
    if (!input) return;
    followRef.current = true;
    // The same input again: the queue may have moved on since, so ask again under the same key.
    if (lastRun && JSON.stringify(lastRun) === JSON.stringify(input)) void simulation.refetch();
    else run(input);
  };

  return (
    <div className="page page--wide">
      <PageHeader
        title="What if"
        description="Simulate the work with the learned speed and success of every agent, under the current policy and under alternatives. The same seed gives the same answer."
        actions={
          <button type="button" className="btn btn--primary" onClick={start} disabled={running}>
            {running ? 'Running…' : 'Run comparison'}
          </button>
        }
      />
      {tried && errorCount > 0 && (
        <p className="form-error builder__errors" role="alert">
          {errorCount === 1 ? 'One field needs fixing' : `${errorCount} fields need fixing`} before the comparison can run
          {errors.form ? `: ${errors.form}` : ': they are marked below.'}
        </p>
      )}
      <section className="card whatif-card" aria-label="Scenarios">
        <div className="card__header">
          <h2 className="card__title">Scenarios</h2>
          <span className="muted">{draft.scenarios.length === 0 ? 'Add a scenario to compare with the base, or run the base alone.' : `${draft.scenarios.length + 1} to compare`}</span>
        </div>
        <div className="card__body">
          <ScenarioBuilder draft={draft} errors={errors} showErrors={tried} agents={agentList} weights={settings.data?.weights.default} onChange={setDraft} />
        </div>
      </section>
      <section ref={resultsRef} className="card whatif-card" aria-label="Results" aria-busy={running}>
        <div className="card__header">
          <h2 className="card__title">Results</h2>
        </div>
        <div className="card__body">
          {running ? (
            <RunProgress scenarios={(lastRun?.scenarios?.length ?? 0) + 1} source={lastRun?.source ?? 'queue'} />
          ) : simulation.isError ? (
            <p className="form-error" role="alert">
              The simulation could not run: {simulation.error.message}
            </p>
          ) : simulation.data ? (
            <SimulationResults simulation={simulation.data} />
          ) : (
            <p className="muted">Nothing run yet. Build scenarios above and choose “Run comparison”.</p>
          )}
        </div>
      </section>
    </div>
  );
}

/** An honest progress display: the host answers in one piece, so this shows it is working and for how long. */
function RunProgress({ scenarios, source }: { scenarios: number; source: 'queue' | 'csv' }) {
  const [started] = useState(() => Date.now());
  const [now, setNow] = useState(started);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((now - started) / 1000);
  return (
    <div className="run-progress" role="status" aria-label="Simulation progress">
      <progress className="run-progress__bar" aria-label="Simulating" />
      <span>
        Simulating {scenarios} {scenarios === 1 ? 'scenario' : 'scenarios'} over {source === 'queue' ? 'the current queue' : 'the CSV tasks'}… {seconds > 0 ? `${seconds} s` : ''}
      </span>
    </div>
  );
}
