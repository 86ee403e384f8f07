// A dismissible message at the top of a page: what just happened (ok) or what went wrong (error).
// What just happened goes by itself after a while, so it never reads as news about a later
// action; an error stays until dismissed.
import { useEffect, useRef } from 'react';

export type NoticeTone = 'ok' | 'error';

/** How long a message about what just happened stays. */
export const OK_NOTICE_MS = 8000;

export function Notice({ tone, text, onDismiss }: { tone: NoticeTone; text: string; onDismiss: () => void }) {
  const dismiss = useRef(onDismiss);
  dismiss.current = onDismiss;
  useEffect(() => {
    if (tone !== 'ok') return;
    const timer = setTimeout(() => dismiss.current(), OK_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [tone, text]);
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span>{text}</span>
      <button type="button" className="notice__close" aria-label="Dismiss message" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
