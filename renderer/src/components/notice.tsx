// A dismissible message at the top of a page: what just happened (ok) or what went wrong (error).
export type NoticeTone = 'ok' | 'error';

export function Notice({ tone, text, onDismiss }: { tone: NoticeTone; text: string; onDismiss: () => void }) {
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span>{text}</span>
      <button type="button" className="notice__close" aria-label="Dismiss message" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
