// The audit trail (administrators only): filter, page newest-first, verify the hash chain. The
// newest page is live: entries pushed by `audit.appended` appear at the top without a reload.
import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { AUDIT_OUTCOMES, type AuditEntry, type AuditOutcome } from '../../../preload/contract';
import { OUTCOME_LABELS, OutcomeBadge } from '../components/audit-outcome';
import { SelectField, TextField } from '../components/field';
import { LoadState, PageHeader } from '../components/page-header';
import { auditListInput } from '../lib/audit-query';
import { compactJson, formatCompactDateTime, formatDateTime } from '../lib/format';
import { useCall, useMutateCall } from '../query/call-hooks';
import { EMPTY_AUDIT_FILTERS, useAuditViewStore, type AuditFilters } from '../state/audit-view-store';

const OUTCOME_OPTIONS: ReadonlyArray<{ value: AuditOutcome | ''; label: string }> = [
  { value: '', label: 'Any outcome' },
  ...AUDIT_OUTCOMES.map((outcome) => ({ value: outcome, label: OUTCOME_LABELS[outcome] })),
];

export function AuditPage() {
  const { filters, cursors, older, newer, newest } = useAuditViewStore();
  const beforeSeq = cursors[cursors.length - 1];
  const audit = useCall('audit.list', auditListInput(filters, beforeSeq), { placeholderData: keepPreviousData });
  const entries = audit.data?.entries ?? [];
  const nextBeforeSeq = audit.data?.nextBeforeSeq ?? null;
  const onNewest = cursors.length === 0;

  return (
    <div className="page page--wide">
      <PageHeader
        title="Audit trail"
        description="Every change and every refused attempt, newest first. Entries are chained by hash, so an edited or deleted row is detected."
        actions={<VerifyChain />}
      />
      <FilterBar />
      <section className="card card--flush" aria-label="Audit entries">
        <div className="table-toolbar">
          <span className="table-toolbar__info">
            {onNewest ? (
              <>
                <span className="live-dot" aria-hidden="true" /> Newest entries, updated live
              </>
            ) : (
              `Older entries, page ${cursors.length + 1}`
            )}
          </span>
          <div className="pager">
            {!onNewest && (
              <button type="button" className="btn btn--ghost btn--small" onClick={newest}>
                Newest
              </button>
            )}
            <button type="button" className="btn btn--secondary btn--small" onClick={newer} disabled={onNewest}>
              Newer
            </button>
            <button
              type="button"
              className="btn btn--secondary btn--small"
              onClick={() => nextBeforeSeq !== null && older(nextBeforeSeq)}
              disabled={nextBeforeSeq === null || audit.isPlaceholderData}
            >
              Older
            </button>
          </div>
        </div>
        <LoadState loading={audit.isPending} error={audit.error} empty={entries.length === 0 && 'No entries match these filters.'}>
          <AuditTable entries={entries} />
        </LoadState>
      </section>
    </div>
  );
}

function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <table className="table table--audit" aria-label="Audit entries">
      <colgroup>
        <col className="w-seq" />
        <col className="w-time" />
        <col className="w-actor" />
        <col className="w-action" />
        <col className="w-outcome" />
        <col className="w-target" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th scope="col" className="num">#</th>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Outcome</th>
          <th scope="col">Target</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => {
          const details = compactJson(entry.details);
          return (
            <tr key={entry.seq}>
              <td className="num muted">{entry.seq}</td>
              <td className="truncate" title={formatDateTime(entry.ts)}>{formatCompactDateTime(entry.ts)}</td>
              <td className="truncate" title={entry.actorName ?? 'No signed-in user'}>{entry.actorName ?? <span className="muted">anonymous</span>}</td>
              <td className="truncate" title={entry.action}><code className="action">{entry.action}</code></td>
              <td><OutcomeBadge outcome={entry.outcome} /></td>
              <td className="truncate" title={entry.target ?? undefined}>{entry.target ?? <span className="muted">—</span>}</td>
              <td className="truncate" title={details || undefined}>
                {details ? <code className="json">{details}</code> : <span className="muted">—</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FilterBar() {
  const applied = useAuditViewStore((state) => state.filters);
  const setFilters = useAuditViewStore((state) => state.setFilters);
  const [draft, setDraft] = useState<AuditFilters>(applied);

  // Text filters apply after a short pause in typing; selects and dates apply at once.
  useEffect(() => {
    if (draft.action === applied.action && draft.actor === applied.actor) return;
    const timer = setTimeout(() => setFilters({ ...applied, action: draft.action, actor: draft.actor }), 300);
    return () => clearTimeout(timer);
  }, [draft.action, draft.actor, applied, setFilters]);

  const setNow = (patch: Partial<AuditFilters>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    setFilters(next);
  };
  const dateError = draft.from && draft.to && draft.from > draft.to ? '“From” is after “To”.' : undefined;
  const isFiltered = JSON.stringify(applied) !== JSON.stringify(EMPTY_AUDIT_FILTERS);

  return (
    <form className="filter-bar" role="search" aria-label="Filter audit entries" onSubmit={(event) => {
      event.preventDefault();
      setFilters(draft);
    }}>
      <TextField label="Action" value={draft.action} onValueChange={(action) => setDraft({ ...draft, action })} placeholder="e.g. users.create" maxLength={64} fieldClassName="filter-bar__text" />
      <TextField label="Actor" value={draft.actor} onValueChange={(actor) => setDraft({ ...draft, actor })} placeholder="Username or name" maxLength={64} fieldClassName="filter-bar__text" />
      <SelectField label="Outcome" value={draft.outcome} options={OUTCOME_OPTIONS} onValueChange={(outcome) => setNow({ outcome })} />
      <TextField label="From" type="date" value={draft.from} onValueChange={(from) => setNow({ from })} />
      <TextField label="To" type="date" value={draft.to} onValueChange={(to) => setNow({ to })} aria-invalid={dateError ? true : undefined} />
      <div className="filter-bar__actions">
        <label className="check" title="Agents' claims, heartbeats and reports that went through. Refused ones, and tasks agents create or cancel, always show.">
          <input type="checkbox" checked={draft.hideAgentRoutine} onChange={(event) => setNow({ hideAgentRoutine: event.target.checked })} />
          Hide agents' routine work
        </label>
        <button type="button" className="btn btn--ghost" disabled={!isFiltered} onClick={() => setNow(EMPTY_AUDIT_FILTERS)}>
          Clear filters
        </button>
      </div>
      {dateError && (
        <p className="field__error filter-bar__error" role="alert">
          {dateError}
        </p>
      )}
    </form>
  );
}

function VerifyChain() {
  const verify = useMutateCall('audit.verify');
  const result = verify.data;
  return (
    <div className="verify">
      <div className="verify__result" role="status" aria-label="Chain check">
        {verify.isPending && <span className="muted">Checking…</span>}
        {verify.isError && <span className="text-danger">{verify.error.message}</span>}
        {result && !verify.isPending &&
          (result.ok ? (
            <span className="verify__ok">Chain intact: {result.checked.toLocaleString()} entries checked</span>
          ) : (
            <span className="verify__bad">
              Chain broken at entry #{result.firstBadSeq ?? '?'}: {result.problem ?? 'hash mismatch'} ({result.checked.toLocaleString()} checked)
            </span>
          ))}
      </div>
      <button type="button" className="btn btn--secondary" onClick={() => verify.mutate({})} disabled={verify.isPending}>
        Verify chain
      </button>
    </div>
  );
}
