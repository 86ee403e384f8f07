// Small coloured labels for outcomes, roles and account states. Colour never carries meaning alone:
// the text says it too.
import type { ReactNode } from 'react';

export type BadgeTone = 'ok' | 'warn' | 'danger' | 'neutral' | 'info' | 'accent';

export function Badge({ tone, children, title }: { tone: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}
