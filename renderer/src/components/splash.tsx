// What shows while the window finds the host or restores a session.
import { errorMessage } from '../bridge/bridge-error';
import { StatusBar } from './status-bar';

export function Splash({ message, error, onRetry }: { message: string; error?: unknown; onRetry?: () => void }) {
  return (
    <div className="auth-layout">
      <main className="auth-layout__main">
        <div className="auth-card auth-card--center" aria-busy={error ? undefined : true}>
          <div className="brand-mark brand-mark--large" aria-hidden="true">
            D
          </div>
          {error ? (
            <>
              <h1 className="auth-card__title">Cannot reach the host</h1>
              <p className="form-error" role="alert">
                {errorMessage(error)}
              </p>
              {onRetry && (
                <button type="button" className="btn btn--primary" onClick={onRetry}>
                  Try again
                </button>
              )}
            </>
          ) : (
            <>
              <div className="spinner" aria-hidden="true" />
              <p className="muted">{message}</p>
            </>
          )}
        </div>
      </main>
      <StatusBar signedIn={false} />
    </div>
  );
}
