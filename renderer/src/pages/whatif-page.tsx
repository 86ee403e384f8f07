// What if (supervisors and up): ask the digital double before the shift starts. Build scenarios on
// top of the current roster and policy, run them over the current queue or a CSV of tasks with one
// seed (reproducible), and compare makespan, deadline misses, queue waits, utilisation and the
// bottleneck. `delegation.simulate` reads only, so a run is a query keyed by its input: coming back
// to the page shows the last result again. Each run carries its own runId; the host tells this
// connection how far that run is (`delegation.simulationProgressed`) and the page draws the bar.
import { useEffect, useRef, useState } from 'react';
import type { SimulationProgress } from '../../../preload/contract';
import { PageHeader } from '../components/page-header';
import { buildSimulateInput, type SimulateRequest } from '../lib/scenario';
import { newRunId, runProgressView } from '../lib/simulation-view';
import { useBridge, useCall } from '../query/call-hooks';
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
  // After Run, the results (first the run's progress) are brought into view.
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
  const [progress, clearProgress] = useRunProgress(lastRun?.runId ?? null);

  // While it runs, the progress bar is where the results will be: shown at once, not below the fold.
  useEffect(() => {
    if (!running || !followRef.current) return;
    const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    resultsRef.current?.scrollIntoView({ block: 'start', behavior: calm ? 'auto' : 'smooth' });
  }, [running]);

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
    clearProgress();
    // The same input again: the queue may have moved on since, so ask again under the same key.
    if (lastRun && sameRequest(lastRun, input)) void simulation.refetch();
    else run({ ...input, runId: newRunId() });
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
            <RunProgress scenarios={(lastRun?.scenarios?.length ?? 0) + 1} source={lastRun?.source ?? 'queue'} progress={progress} />
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

function sameRequest(a: SimulateRequest, b: SimulateRequest): boolean {
  const { runId: _a, ...restA } = a;
  const { runId: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

/**
 * The latest progress report of the run with this id (reports of other runs are ignored). Listens
 * while the page is open, so the first report, sent as soon as the run starts, is never missed.
 */
function useRunProgress(runId: string | null): [SimulationProgress | null, () => void] {
  const client = useBridge();
  const [progress, setProgress] = useState<SimulationProgress | null>(null);
  useEffect(() => {
    if (!runId) return;
    return client.subscribe((message) => {
      if (message.type === 'event' && message.name === 'delegation.simulationProgressed' && message.payload.runId === runId) setProgress(message.payload);
    });
  }, [client, runId]);
  return [progress?.runId === runId ? progress : null, () => setProgress(null)];
}

/** How far the run is, from the host's reports; until the first one, that it is working and for how long. */
function RunProgress({ scenarios, source, progress }: { scenarios: number; source: 'queue' | 'csv'; progress: SimulationProgress | null }) {
  const [started] = useState(() => Date.now());
  const [now, setNow] = useState(started);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((now - started) / 1000);
  const view = progress ? runProgressView(progress) : null;
  return (
    <div className="run-progress" role="status" aria-label="Simulation progress">
      {view ? (
        <progress className="run-progress__bar" aria-label="Simulating" max={1} value={view.fraction} aria-valuetext={`${Math.round(view.fraction * 100)} %`} />
      ) : (
        <progress className="run-progress__bar" aria-label="Simulating" />
      )}
      <span className="run-progress__text">
        <span>
          Simulating {scenarios} {scenarios === 1 ? 'scenario' : 'scenarios'} over {source === 'queue' ? 'the current queue' : 'the CSV tasks'}…{' '}
          {view ? `${Math.round(view.fraction * 100)} %` : ''} {seconds > 0 ? `· ${seconds} s` : ''}
        </span>
        {view && (
          <span className="run-progress__detail">
            {view.row}: {view.tasks}
          </span>
        )}
      </span>
    </div>
  );
}
