// The answer of a What-if run: the comparison table (base first), the bottleneck of each scenario in
// words, and charts (recharts, SVG): makespan per scenario, deadline misses, queue wait p50/p95,
// and utilisation per agent side by side.
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SimulationDto } from '../../../../preload/contract';
import { formatPercent } from '../../lib/explanation';
import { formatDuration } from '../../lib/format';
import {
  bestScenario,
  deltaTone,
  makespanDelta,
  meanUtilisation,
  scenarioColour,
  scenarioPoints,
  startLabel,
  utilisationPoints,
  type ScenarioPoint,
} from '../../lib/simulation-view';

const AXIS = { fontSize: 12, fill: '#3d4854' };
/** Two units at most ("5 d 14 h", "12 h 49 min"): the table's columns stay one line. */
const duration = (ms: number) => (ms < 1000 ? '0 s' : formatDuration(Math.round(ms), 2));

export function SimulationResults({ simulation }: { simulation: SimulationDto }) {
  const best = bestScenario(simulation.rows);
  return (
    <div className="results">
      <p className="results__summary">
        {simulation.tasks.toLocaleString()} {simulation.tasks === 1 ? 'task' : 'tasks'}, {simulation.agents} agents, from {startLabel(simulation.startAt)}, horizon{' '}
        {Math.round(simulation.horizonMs / 3_600_000)} h, seed{' '}
        {simulation.seed}. Simulated in {duration(simulation.elapsedMs)}.
        {best && (
          <>
            {' '}
            <strong>{best.name}</strong> finishes soonest: {makespanDelta(best)}.
          </>
        )}
      </p>
      {simulation.warnings.length > 0 && (
        <details className="results__warnings">
          <summary>
            {simulation.warnings.length} {simulation.warnings.length === 1 ? 'warning' : 'warnings'}
          </summary>
          <ul>
            {simulation.warnings.slice(0, 50).map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </details>
      )}
      <ComparisonTable simulation={simulation} />
      <Bottlenecks simulation={simulation} />
      <Charts simulation={simulation} />
    </div>
  );
}

function ComparisonTable({ simulation }: { simulation: SimulationDto }) {
  return (
    <div className="table-scroll table-scroll--bordered">
      <table className="table table--compact table--comparison" aria-label="Scenario comparison">
        <thead>
          <tr>
            <th scope="col">Scenario</th>
            <th scope="col" className="num">
              Makespan
            </th>
            <th scope="col" className="num">
              Against base
            </th>
            <th scope="col" className="num">
              Done
            </th>
            <th scope="col" className="num">
              Failed
            </th>
            <th scope="col" className="num">
              Unfinished
            </th>
            <th scope="col" className="num">
              Deadline misses
            </th>
            <th scope="col" className="num nowrap">
              Wait p50
            </th>
            <th scope="col" className="num nowrap">
              Wait p95
            </th>
            <th scope="col" className="num">
              Mean utilisation
            </th>
          </tr>
        </thead>
        <tbody>
          {simulation.rows.map((row, index) => {
            const tone = deltaTone(row);
            return (
              <tr key={row.name}>
                <th scope="row" className="nowrap">
                  <span className="legend" style={{ background: scenarioColour(index) }} aria-hidden="true" />
                  {row.name}
                </th>
                <td className="num">{duration(row.makespanMs)}</td>
                <td className={`num nowrap${tone === 'better' ? ' text-ok' : tone === 'worse' ? ' text-danger' : ' muted'}`}>{makespanDelta(row)}</td>
                <td className="num">{row.completed.toLocaleString()}</td>
                <td className="num">{row.failed.toLocaleString()}</td>
                <td className={`num${row.unfinished > 0 ? ' text-warn' : ''}`}>{row.unfinished.toLocaleString()}</td>
                <td className="num">
                  {row.deadlineMisses.toLocaleString()}
                  {!row.isBase && row.delta.deadlineMisses !== 0 && (
                    <span className={row.delta.deadlineMisses < 0 ? 'text-ok' : 'text-danger'}> ({row.delta.deadlineMisses > 0 ? '+' : '−'}{Math.abs(row.delta.deadlineMisses)})</span>
                  )}
                </td>
                <td className="num">{duration(row.waits.p50Ms)}</td>
                <td className="num">{duration(row.waits.p95Ms)}</td>
                <td className="num">{formatPercent(meanUtilisation(row))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Bottlenecks({ simulation }: { simulation: SimulationDto }) {
  return (
    <section className="bottlenecks" aria-label="Bottlenecks">
      <h3 className="section-title">Bottleneck</h3>
      <ul className="bottlenecks__list">
        {simulation.rows.map((row, index) => (
          <li key={row.name}>
            <span className="legend" style={{ background: scenarioColour(index) }} aria-hidden="true" />
            <strong>{row.name}:</strong> {row.bottleneck.summary.replace(/^Bottleneck:\s*/i, '')}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ChartFigure({ title, caption, children, wide }: { title: string; caption?: string; children: ReactNode; wide?: boolean }) {
  return (
    <figure className={`chart${wide ? ' chart--wide' : ''}`} aria-label={title}>
      <figcaption className="chart__title">
        {title}
        {caption && <span className="chart__caption"> {caption}</span>}
      </figcaption>
      {children}
    </figure>
  );
}

/** Scenario names read along the Y axis: bars run left to right, so long names never collide. */
function ScenarioBars({ points, height, children, xLabel }: { points: readonly ScenarioPoint[]; height: number; children: ReactNode; xLabel?: string }) {
  const tick = (value: string) => (value.length > 16 ? `${value.slice(0, 15)}…` : value);
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={points as ScenarioPoint[]} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tick={AXIS} allowDecimals={false} unit={xLabel} />
        <YAxis type="category" dataKey="scenario" tick={AXIS} tickFormatter={tick} width={112} interval={0} />
        {children}
      </BarChart>
    </ResponsiveContainer>
  );
}

function Charts({ simulation }: { simulation: SimulationDto }) {
  const { points, makespanUnit, waitUnit } = scenarioPoints(simulation);
  const utilisation = utilisationPoints(simulation.rows);
  const names = simulation.rows.map((row) => row.name);
  const tick = (value: string) => (value.length > 14 ? `${value.slice(0, 13)}…` : value);
  const barsHeight = Math.max(170, 50 + points.length * 34);
  const utilisationWidth = Math.max(600, utilisation.length * Math.max(56, names.length * 16));
  return (
    <div className="charts">
      <ChartFigure title="Makespan per scenario" caption={`(${makespanUnit.label})`}>
        <ScenarioBars points={points} height={barsHeight}>
          <Tooltip formatter={(value) => [`${String(value)} ${makespanUnit.label}`, 'Makespan']} />
          <Bar dataKey="makespan" name="Makespan" isAnimationActive={false} barSize={18}>
            {points.map((point, index) => (
              <Cell key={point.scenario} fill={scenarioColour(index)} />
            ))}
          </Bar>
        </ScenarioBars>
      </ChartFigure>
      <ChartFigure title="Deadline misses">
        <ScenarioBars points={points} height={barsHeight}>
          <Tooltip formatter={(value) => [String(value), 'Deadline misses']} />
          <Bar dataKey="deadlineMisses" name="Deadline misses" isAnimationActive={false} barSize={18}>
            {points.map((point, index) => (
              <Cell key={point.scenario} fill={scenarioColour(index)} />
            ))}
          </Bar>
        </ScenarioBars>
      </ChartFigure>
      <ChartFigure title="Queue wait" caption={`(p50 and p95, ${waitUnit.label})`}>
        <ScenarioBars points={points} height={barsHeight + 24}>
          <Tooltip formatter={(value, name) => [`${String(value)} ${waitUnit.label}`, String(name)]} />
          <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="waitP50" name="p50" fill="#7fa7cc" isAnimationActive={false} barSize={9} />
          <Bar dataKey="waitP95" name="p95" fill="#1d5c94" isAnimationActive={false} barSize={9} />
        </ScenarioBars>
      </ChartFigure>
      <ChartFigure title="Utilisation per agent" caption="(% of its available time busy, from the start to the last task done)" wide>
        <div className="chart__scroll" tabIndex={0} aria-label="Utilisation per agent, scrollable">
          <div style={{ width: utilisationWidth, minWidth: '100%' }}>
            <ResponsiveContainer width="100%" height={250}>
              <BarChart data={utilisation} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="agent" tick={AXIS} tickFormatter={tick} interval={0} />
                <YAxis tick={AXIS} width={48} domain={[0, 100]} unit="%" />
                <Tooltip formatter={(value, name) => [`${String(value)}%`, String(name)]} />
                <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} />
                {names.map((name, index) => (
                  <Bar key={name} dataKey={name} name={name} fill={scenarioColour(index)} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
      </ChartFigure>
    </div>
  );
}
