// "Import tasks" (supervisor and up): a CSV or JSON file is read here in the browser, shown as a
// preview with each row's problems, and sent as one `tasks.createBatch` — all rows or none.
import { useId, useState, type ChangeEvent } from 'react';
import { TASK_BATCH_MAX } from '../../../../preload/contract';
import { Dialog } from '../../components/dialog';
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, importBatch, parseTaskFile, type ImportPreview } from '../../lib/task-import';
import { useMutateCall } from '../../query/call-hooks';

/** Rows shown in the preview; the rest are counted (and checked) but not drawn. */
const PREVIEW_ROWS = 300;

export function ImportTasksDialog({ onClose, onImported }: { onClose(): void; onImported(count: number): void }) {
  const fileId = useId();
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const createBatch = useMutateCall('tasks.createBatch', { onSuccess: (result) => onImported(result.tasks.length) });

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    createBatch.reset();
    setPreview(null);
    setReadError(null);
    setFileName(file?.name ?? null);
    if (!file) return;
    if (file.size > IMPORT_MAX_BYTES) {
      setReadError(`The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB can be imported.`);
      return;
    }
    try {
      setPreview(parseTaskFile(file.name, await file.text()));
    } catch {
      setReadError('The file could not be read.');
    }
  };

  const batch = preview ? importBatch(preview) : null;
  const invalidRows = preview?.rows.filter((row) => row.errors.length > 0).length ?? 0;

  return (
    <Dialog
      title="Import tasks"
      description={`Create up to ${TASK_BATCH_MAX.toLocaleString()} tasks from a CSV or JSON file. Nothing is created unless every row is valid.`}
      onClose={onClose}
      size="xwide"
    >
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (batch) createBatch.mutate({ tasks: batch });
        }}
      >
        <div className="field">
          <label className="field__label" htmlFor={fileId}>
            Task file (CSV or JSON)
          </label>
          <input id={fileId} className="file-input" type="file" accept=".csv,.json,.txt,text/csv,application/json" onChange={(event) => void choose(event)} data-autofocus />
        </div>

        {readError && (
          <p className="form-error" role="alert">
            {readError}
          </p>
        )}

        {preview && (
          <div className="import-preview" aria-label="Import preview" role="region">
            <p className="import-preview__summary" role="status">
              {fileName}: {preview.rows.length.toLocaleString()} {preview.rows.length === 1 ? 'task' : 'tasks'} read
              {invalidRows > 0 ? (
                <span className="text-danger">
                  {' '}
                  · {invalidRows.toLocaleString()} with errors
                </span>
              ) : (
                preview.fileErrors.length === 0 && <span className="text-ok"> · all valid</span>
              )}
            </p>
            {preview.fileErrors.map((message) => (
              <p key={message} className="form-error" role="alert">
                {message}
              </p>
            ))}
            {preview.rows.length > 0 && (
              <div className="import-preview__table">
                <table className="table table--compact" aria-label="Tasks to import">
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        Row
                      </th>
                      <th scope="col">Type</th>
                      <th scope="col">Title</th>
                      <th scope="col">Priority</th>
                      <th scope="col">Check</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...preview.rows.filter((row) => row.errors.length > 0), ...preview.rows.filter((row) => row.errors.length === 0)]
                      .slice(0, PREVIEW_ROWS)
                      .map((row) => (
                        <tr key={row.index} className={row.errors.length > 0 ? 'row--invalid' : undefined}>
                          <td className="num muted">{row.index}</td>
                          <td className="truncate" title={row.type}>
                            <code>{row.type || '—'}</code>
                          </td>
                          <td className="truncate" title={row.title}>
                            {row.title || <span className="muted">{row.type ? '(the type)' : '—'}</span>}
                          </td>
                          <td>{row.priority || <span className="muted">normal</span>}</td>
                          <td>
                            {row.errors.length === 0 ? (
                              <span className="text-ok">OK</span>
                            ) : (
                              <ul className="row-errors">
                                {row.errors.map((message) => (
                                  <li key={message}>{message}</li>
                                ))}
                              </ul>
                            )}
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
                {preview.rows.length > PREVIEW_ROWS && (
                  <p className="muted import-preview__more">
                    {(preview.rows.length - PREVIEW_ROWS).toLocaleString()} more rows not shown{invalidRows > 0 ? ' (rows with errors are listed first)' : ''}.
                  </p>
                )}
              </div>
            )}
          </div>
        )}

        {createBatch.isError && (
          <div className="form-error" role="alert">
            <strong>The host refused the import; nothing was created.</strong> {createBatch.error.message}
            <ErrorDetails details={createBatch.error.details} />
          </div>
        )}

        <details className="import-help" open={!preview}>
          <summary>CSV columns and JSON format</summary>
          <p>
            The first line of a CSV names the columns (any order; <code>run_at</code>, <code>runAt</code> and <code>Run at</code> are the same). Only{' '}
            <code>type</code> is required; empty cells take the defaults. Quote cells that hold commas, e.g. JSON payloads.
          </p>
          <table className="table table--compact import-help__columns" aria-label="CSV columns">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Meaning</th>
                <th scope="col">Example</th>
              </tr>
            </thead>
            <tbody>
              {IMPORT_COLUMNS.map((column) => (
                <tr key={column.name}>
                  <td>
                    <code>{column.name}</code>
                    {column.required && <span className="muted"> (required)</span>}
                  </td>
                  <td>{column.description}</td>
                  <td>
                    <code>{column.example}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            A JSON file is a list of tasks, <code>[{'{'} "type": "weld.seam", "priority": "high" {'}'}, …]</code>, or <code>{'{'} "tasks": [ … ] {'}'}</code>, with the
            fields of the agent API (camelCase); times may be epoch ms or ISO 8601 text.
          </p>
        </details>

        <div className="form__actions form__actions--end">
          <button type="button" className="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={!batch || createBatch.isPending}>
            {createBatch.isPending ? 'Creating…' : batch ? `Create ${batch.length.toLocaleString()} ${batch.length === 1 ? 'task' : 'tasks'}` : 'Create tasks'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Where the host says the problem is (e.g. `{ index: 4, field: 'dependsOn' }`), in words. */
function ErrorDetails({ details }: { details: unknown }) {
  if (!details || typeof details !== 'object') return null;
  const entries = Object.entries(details as Record<string, unknown>).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value));
  if (entries.length === 0) return null;
  return (
    <span className="error-details">
      {' '}
      ({entries.map(([key, value]) => describeDetail(key, value)).join(', ')})
    </span>
  );
}

function describeDetail(key: string, value: unknown): string {
  const at = typeof value === 'string' ? /^tasks\.(\d+)\.(.+)$/.exec(value) : null;
  if (at) return `row ${Number(at[1]) + 1}, ${at[2]}`;
  return `${key}: ${String(value)}`;
}
