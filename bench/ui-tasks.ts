// npm run bench:ui — does the Tasks page stay smooth with 100,000 tasks? Not a test: it prints
// figures. The peer is the same page with 1,000 tasks, measured in the same run.
//
// For each size: a fresh data folder is filled with no-op tasks of ten types, five priorities and
// three tags (a fifth of them run and finish, a few fail), the headless host is started on it (the
// built renderer: `npm run build` first; done here when out/renderer is missing), and Debian's
// Chromium opens the Tasks page at 1,366 x 768. Measured in the page:
//   first rows  from the click on "Tasks" until the first row is drawn
//   scroll      6 s of steady scrolling (240 px a frame, about 350 rows a second, loading pages of
//               200 as it goes): frame intervals p50 / p95 / max, frames over 50 ms, rows passed
//   search      typing a title fragment until the list shows its count (includes the 300 ms
//               pause the search box waits for typing to stop)
//   sort        choosing "Most urgent" until the first row changes
//   state       picking a state filter until the count changes
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { openCliContext } from '../electron/cli/context';

const ROOT = resolve(__dirname, '..');
const SIZES = (process.env.SIZES ?? '1000,100000').split(',').map(Number);
const PASSWORD = 'bench-password-1';
const TYPES = ['weld.seam', 'inspect.part', 'paint.panel', 'report.shift', 'pack.box', 'label.item', 'repair.fixture', 'plan.route', 'sort.bin', 'pick.order'];
const PRIORITIES = ['critical', 'high', 'normal', 'normal', 'low'] as const;
const SCROLL_PX = 240;
const SCROLL_MS = 6000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A data folder holding `count` tasks: most waiting, a fifth run by two agents (a few fail). */
async function seed(count: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'delegate-bench-ui-'));
  const cli = openCliContext(dir, { create: true, appRoot: ROOT });
  try {
    const workers = [0, 1].map((i) => cli.agents.create({ name: `worker-${i}`, kind: 'software', capacity: 1000 }).id);
    for (let i = 0; i < count; i += 1000) {
      const n = Math.min(1000, count - i);
      await cli.tasks.submitBatch(
        Array.from({ length: n }, (_, k) => {
          const j = i + k;
          const type = TYPES[j % TYPES.length]!;
          return { type, title: `${type} #${j} on part ${4000 + (j % 997)}`, priority: PRIORITIES[j % 5], payload: { n: j }, tags: [`line-${1 + (j % 3)}`] };
        }),
      );
    }
    // Run a fifth of them, so the list holds every kind of state.
    let toRun = Math.floor(count / 5);
    for (let w = 0; toRun > 0; w++) {
      const agentId = workers[w % 2]!;
      const claimed = await cli.tasks.claim(agentId, Math.min(1000, toRun));
      if (claimed.length === 0) break;
      toRun -= claimed.length;
      const failing = claimed.filter((_, k) => k % 20 === 0);
      const succeeding = claimed.filter((_, k) => k % 20 !== 0);
      await cli.tasks.completeMany(
        agentId,
        succeeding.map((t) => ({ id: t.id, attempt: t.attempt })),
      );
      for (const t of failing) await cli.tasks.fail(t.id, agentId, t.attempt, { message: 'camera timeout' }, false);
    }
  } finally {
    cli.close();
  }
  return dir;
}

function startHost(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    [join(ROOT, 'out', 'main', 'headless.js'), '--port', '0', '--no-gateway', '--data-dir', dataDir, '--admin-password', PASSWORD, '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_CONFIG_HOME: join(dataDir, 'xdg') } },
  );
  return new Promise((resolveHost, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolveHost({ proc, url: m[1]! });
    });
    proc.once('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
  });
}

interface Figures {
  firstRowsMs: number;
  frames: { p50: number; p95: number; max: number; over50: number; count: number };
  rowsPassed: number;
  rowsLoaded: string;
  searchMs: number;
  sortMs: number;
  stateMs: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

const countText = (page: Page) => page.getByRole('status', { name: 'Task count' }).innerText();

/** Waits (polling in the page's frames) until fn() differs from `before`; ms since `start`. */
async function until(page: Page, before: string, read: () => Promise<string>, start: number): Promise<number> {
  for (;;) {
    if ((await read()) !== before) return performance.now() - start;
    await page.waitForTimeout(5);
  }
}

async function measure(url: string): Promise<Figures> {
  const executablePath = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) throw new Error('No Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();

    const t0 = performance.now();
    await page.locator('nav').getByText('Tasks', { exact: true }).click();
    await page.locator('[role="row"][data-index="0"]').waitFor();
    const firstRowsMs = performance.now() - t0;
    await page.waitForTimeout(500);

    // Steady scrolling, frame by frame, inside the page (no round trips in the way).
    // (A string, not a function: tsx would wrap the function's names in a helper the page lacks.)
    const scroll = (await page.evaluate(`new Promise((done) => {
      const el = document.querySelector('.vtable__scroll');
      const intervals = [];
      const start = performance.now();
      let last = start;
      const frame = (t) => {
        intervals.push(t - last);
        last = t;
        el.scrollTop += ${SCROLL_PX};
        if (t - start < ${SCROLL_MS}) requestAnimationFrame(frame);
        else done({ intervals: intervals.slice(1), passed: Math.max(...[...el.querySelectorAll('[data-index]')].map((r) => Number(r.dataset.index))) });
      };
      requestAnimationFrame(frame);
    })`)) as { intervals: number[]; passed: number };
    const rowsLoaded = await countText(page);
    await page.evaluate("document.querySelector('.vtable__scroll').scrollTop = 0");

    // Search: a title fragment that matches about one task in a thousand.
    let before = await countText(page);
    let start = performance.now();
    await page.getByPlaceholder('Title, type or id').fill('part 4711');
    const searchMs = await until(page, before, () => countText(page), start);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForTimeout(800);

    // Sort: most urgent first.
    const firstTitle = () => page.locator('[role="row"][data-index="0"]').innerText();
    before = await firstTitle();
    start = performance.now();
    await page.getByLabel('Sort').selectOption('priority:asc');
    const sortMs = await until(page, before, firstTitle, start);
    await page.waitForTimeout(500);

    // State filter: only the failed ones (the multi-select opens a list of checkboxes).
    before = await countText(page);
    start = performance.now();
    await page.locator('.multi-select summary').first().click();
    await page.getByRole('checkbox', { name: 'Dead' }).check();
    const stateMs = await until(page, before, () => countText(page), start);

    const iv = scroll.intervals;
    return {
      firstRowsMs,
      frames: { p50: pct(iv, 50), p95: pct(iv, 95), max: Math.max(...iv), over50: iv.filter((x) => x > 50).length, count: iv.length },
      rowsPassed: scroll.passed,
      rowsLoaded: rowsLoaded.replace(/\s+/g, ' ').trim(),
      searchMs,
      sortMs,
      stateMs,
    };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')) || !existsSync(join(ROOT, 'out', 'main', 'headless.js'))) {
    log('building the app (out/ is missing) …');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const results = new Map<number, Figures>();
  for (const size of SIZES) {
    const t = performance.now();
    const dir = await seed(size);
    log(`${size.toLocaleString()} tasks seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const host = await startHost(dir);
    try {
      results.set(size, await measure(host.url));
    } finally {
      const exited = new Promise((r) => host.proc.once('exit', r));
      host.proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const rows: [string, (f: Figures) => string, (f: Figures) => number][] = [
    ['first rows after "Tasks"', (f) => ms(f.firstRowsMs), (f) => f.firstRowsMs],
    ['scroll: frame p50', (f) => `${f.frames.p50.toFixed(1)} ms`, (f) => f.frames.p50],
    ['scroll: frame p95', (f) => `${f.frames.p95.toFixed(1)} ms`, (f) => f.frames.p95],
    ['scroll: longest frame', (f) => ms(f.frames.max), (f) => f.frames.max],
    ['scroll: frames over 50 ms', (f) => `${f.frames.over50} of ${f.frames.count}`, (f) => f.frames.over50],
    ['scroll: rows passed in 6 s', (f) => f.rowsPassed.toLocaleString(), (f) => f.rowsPassed],
    ['search (incl. 300 ms typing pause)', (f) => ms(f.searchMs), (f) => f.searchMs],
    ['sort by priority', (f) => ms(f.sortMs), (f) => f.sortMs],
    ['filter by state', (f) => ms(f.stateMs), (f) => f.stateMs],
  ];
  const [small, large] = [SIZES[0]!, SIZES[SIZES.length - 1]!];
  console.log(`\nbench:ui — the Tasks page in Chromium at 1366x768, ${small.toLocaleString()} vs ${large.toLocaleString()} tasks`);
  const head = ['', `${small.toLocaleString()} tasks`, `${large.toLocaleString()} tasks`, 'ratio'];
  const table = rows.map(([label, show, value]) => {
    const a = results.get(small)!;
    const b = results.get(large)!;
    const r = value(a) > 0 ? `${(value(b) / value(a)).toFixed(2)}x` : '—';
    return [label, show(a), show(b), r];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  console.log(line(head));
  for (const r of table) console.log(line(r));
  for (const size of SIZES) console.log(`  after scrolling, ${size.toLocaleString()}: "${results.get(size)!.rowsLoaded}"`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
