// The columns of a task that never change once it is created (its spec: type, title, payload,
// requirements, …), kept for the tasks this process created, so that a claim reads back only the
// columns that do change. The claim's UPDATE costs the same either way; what costs is handing
// column values to JavaScript: RETURNING all 33 columns of a claimed task ~6 µs, the dozen that
// change ~4 µs (in-process end to end, bench/in-process.ts: ~42,500 -> 45,000-47,000 jobs/s). The queue puts the same
// value row together either way and builds the DTO from it with dtoFromValues, so a claimed
// task reads the same whether its spec came from here or from the database.
//
// Nothing updates these columns (spec-cache.test.ts checks every UPDATE of the queue). Bounded:
// the oldest entries go first past maxTasks or maxBytes of text; a task not here (created by
// another process, or evicted) is read from the database.
export const SPEC_COLUMNS = [
  'type', 'title', 'requires', 'deadline', 'backoff_base_ms', 'backoff_max_ms', 'timeout_ms',
  'idempotency_key', 'depends_on', 'tags', 'creator', 'workflow_run_id', 'workflow_step_id', 'created_at', 'payload',
] as const;

/** The values of SPEC_COLUMNS, in that order, exactly as written to the row. */
export type SpecValues = readonly unknown[];

export class SpecCache {
  private readonly entries = new Map<string, { values: SpecValues; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly maxTasks = 50_000,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  remember(id: string, values: SpecValues): void {
    let bytes = 64;
    for (const v of values) if (typeof v === 'string') bytes += v.length * 2;
    // A spec larger than the whole budget is not worth keeping.
    if (bytes > this.maxBytes / 4) return;
    this.forget(id);
    this.entries.set(id, { values, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.maxTasks || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value!;
      this.forget(oldest);
    }
  }

  get(id: string): SpecValues | undefined {
    return this.entries.get(id)?.values;
  }

  forget(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.bytes -= e.bytes;
  }
}
