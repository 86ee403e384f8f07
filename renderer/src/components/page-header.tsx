// The title row of a page, with its main actions on the right.
import type { ReactNode } from 'react';

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1 className="page-header__title">{title}</h1>
        {description && <p className="page-header__description">{description}</p>}
      </div>
      {actions && <div className="page-header__actions">{actions}</div>}
    </div>
  );
}

/** Loading, error and empty states inside a card or table area. */
export function LoadState({ loading, error, empty, children }: { loading?: boolean; error?: unknown; empty?: string | false; children?: ReactNode }) {
  if (error) {
    return (
      <p className="load-state load-state--error" role="alert">
        {error instanceof Error ? error.message : 'Could not load this.'}
      </p>
    );
  }
  if (loading) return <p className="load-state">Loading…</p>;
  if (empty) return <p className="load-state">{empty}</p>;
  return <>{children}</>;
}
