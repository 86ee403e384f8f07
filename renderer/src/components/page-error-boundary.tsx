// Keeps a page that fails to render inside the shell, so the sidebar still works. A page whose code
// cannot be fetched (Delegate updated on disk while the window stayed open) needs a reload: React
// keeps the failed import, so trying again would fail the same way. Any other error can be retried.
// Give it a `key` that changes with the page, so navigating away clears the error.
import { Component, type ReactNode } from 'react';
import { errorMessage } from '../bridge/bridge-error';

interface PageErrorBoundaryState {
  error: unknown;
  failed: boolean;
}

/** The messages Chromium, Firefox, Safari and Vite's preload helper give when a chunk will not load. */
const CHUNK_LOAD_FAILURE = /dynamically imported module|Importing a module script failed|Unable to preload CSS/i;

function isChunkLoadError(error: unknown): boolean {
  return error instanceof Error && CHUNK_LOAD_FAILURE.test(error.message);
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, PageErrorBoundaryState> {
  override state: PageErrorBoundaryState = { error: undefined, failed: false };

  static getDerivedStateFromError(error: unknown): PageErrorBoundaryState {
    return { error, failed: true };
  }

  override render(): ReactNode {
    const { error, failed } = this.state;
    if (!failed) return this.props.children;
    if (isChunkLoadError(error)) {
      return (
        <div className="notice notice--error" role="alert">
          <span>This page could not be loaded. Delegate may have been updated: reload to get the new version.</span>
          <button type="button" className="btn btn--primary btn--small" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      );
    }
    return (
      <div className="notice notice--error" role="alert">
        <span>This page stopped because of an error: {errorMessage(error)}</span>
        <button type="button" className="btn btn--secondary btn--small" onClick={() => this.setState({ error: undefined, failed: false })}>
          Try again
        </button>
      </div>
    );
  }
}
