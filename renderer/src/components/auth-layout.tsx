// The frame of the screens before the app: setup, sign-in, lock.
import type { ReactNode } from 'react';
import { StatusBar } from './status-bar';

export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="auth-layout">
      <main className="auth-layout__main">
        <div className="auth-card">
          <div className="auth-card__brand">
            <span className="brand-mark" aria-hidden="true">
              D
            </span>
            <span className="auth-card__product">Delegate</span>
          </div>
          <h1 className="auth-card__title">{title}</h1>
          {subtitle && <p className="auth-card__subtitle">{subtitle}</p>}
          {children}
        </div>
      </main>
      <StatusBar signedIn={false} />
    </div>
  );
}
