// The signed-in frame: dark navigation on the left, header with site and user, the page, and
// the connection strip at the bottom.
import type { ReactNode } from 'react';
import type { SessionDto } from '../../../preload/contract';
import { ROLE_LABELS } from '../lib/format';
import { useCall } from '../query/call-hooks';
import { useLockNow, useSignOut } from '../session/use-sign-out';
import { canOpen, routeHref, type Route } from '../state/route';
import { useConnectionState } from './connection-state';
import { StatusBar } from './status-bar';

const NAV: ReadonlyArray<{ route: Route; label: string; icon: ReactNode }> = [
  { route: 'dashboard', label: 'Dashboard', icon: <IconGrid /> },
  { route: 'work', label: 'My work', icon: <IconInbox /> },
  { route: 'tasks', label: 'Tasks', icon: <IconChecklist /> },
  { route: 'agents', label: 'Agents', icon: <IconAgents /> },
  { route: 'delegation', label: 'Delegation', icon: <IconBalance /> },
  { route: 'whatif', label: 'What if', icon: <IconChart /> },
  { route: 'users', label: 'Users', icon: <IconUsers /> },
  { route: 'audit', label: 'Audit', icon: <IconList /> },
  { route: 'settings', label: 'Settings', icon: <IconSliders /> },
];

export function Shell({ session, siteName, route, children }: { session: SessionDto; siteName: string; route: Route; children: ReactNode }) {
  const signOut = useSignOut();
  const lockNow = useLockNow();
  const user = session.user;
  // My work is only in the menu for someone set up as a person agent (the page itself explains
  // otherwise, for whoever types its address).
  const mine = useCall('work.mine', {}, { staleTime: 60_000, retry: false });
  const linked = mine.data?.agent != null;
  const visible = NAV.filter((item) => canOpen(item.route, user.role) && (item.route !== 'work' || linked || route === 'work'));
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(event) => {
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        Skip to content
      </a>
      <div className="shell__brand">
        <span className="brand-mark" aria-hidden="true">
          D
        </span>
        <span className="shell__product">Delegate</span>
      </div>
      <header className="topbar">
        <div className="topbar__site">
          <span className="topbar__site-label">Site</span>
          <span className="topbar__site-name">{siteName}</span>
        </div>
        <div className="topbar__user">
          <span className="avatar" aria-hidden="true">
            {initials(user.displayName)}
          </span>
          <span className="topbar__who">
            <span className="topbar__name">{user.displayName}</span>
            <span className="topbar__role">{ROLE_LABELS[user.role]}</span>
          </span>
          <button type="button" className="btn btn--secondary btn--small" onClick={lockNow}>
            Lock
          </button>
          <button type="button" className="btn btn--secondary btn--small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul className="sidebar__list">
          {visible.map((item) => (
            <li key={item.route}>
              <a
                className="sidebar__link"
                href={routeHref(item.route)}
                aria-current={item.route === route ? 'page' : undefined}
              >
                <span className="sidebar__icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main" tabIndex={-1}>
        <ConnectionBanner />
        {children}
      </main>
      <StatusBar signedIn />
    </div>
  );
}

/** While the host is unreachable, say so where the work is, not only in the status bar. */
function ConnectionBanner() {
  const state = useConnectionState();
  if (state === 'connected' || state === 'connecting') return null;
  return (
    <div className="connection-banner">
      <span className={`dot dot--${state}`} aria-hidden="true" />
      <span>
        <strong>{state === 'offline' ? 'The Delegate host cannot be reached.' : 'Connection to the Delegate host lost.'}</strong> Reconnecting
        automatically; what you see may be out of date and changes cannot be made until the connection is back.
      </span>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0]];
  return letters.join('').toUpperCase() || '?';
}

function Svg({ children }: { children: ReactNode }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      {children}
    </svg>
  );
}

function IconGrid() {
  return (
    <Svg>
      <rect x="3" y="3" width="7" height="7" rx="1" />
      <rect x="14" y="3" width="7" height="7" rx="1" />
      <rect x="3" y="14" width="7" height="7" rx="1" />
      <rect x="14" y="14" width="7" height="7" rx="1" />
    </Svg>
  );
}

function IconUsers() {
  return (
    <Svg>
      <circle cx="9" cy="8" r="3.5" />
      <path d="M2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5" />
      <path d="M16 4.8a3.3 3.3 0 0 1 0 6.4M18 14.8c1.8.7 3 2.4 3.5 5.2" />
    </Svg>
  );
}

function IconChecklist() {
  return (
    <Svg>
      <rect x="4" y="3.5" width="16" height="17" rx="2" />
      <path d="M8 9l1.5 1.5L12 8M8 15l1.5 1.5L12 14M14.5 9.5H17M14.5 15.5H17" />
    </Svg>
  );
}

function IconAgents() {
  return (
    <Svg>
      <rect x="5" y="8" width="14" height="11" rx="2.5" />
      <path d="M12 8V4.5M9.5 4.5h5" />
      <circle cx="9.5" cy="13" r="1.2" />
      <circle cx="14.5" cy="13" r="1.2" />
      <path d="M2.5 12.5v3M21.5 12.5v3" />
    </Svg>
  );
}

function IconInbox() {
  return (
    <Svg>
      <path d="M3.5 13.5l2.6-7.2A2 2 0 0 1 8 5h8a2 2 0 0 1 1.9 1.3l2.6 7.2" />
      <path d="M3.5 13.5V18a2 2 0 0 0 2 2h13a2 2 0 0 0 2-2v-4.5h-5a3 3 0 0 1-6 0z" />
    </Svg>
  );
}

function IconChart() {
  return (
    <Svg>
      <path d="M4 4v16h16" />
      <rect x="7.5" y="11" width="3" height="6" rx="0.5" />
      <rect x="12.5" y="7" width="3" height="10" rx="0.5" />
      <path d="M17.5 9.5l2.5-3" />
    </Svg>
  );
}

function IconBalance() {
  return (
    <Svg>
      <path d="M12 4v16M7 20h10M5 7h14" />
      <path d="M5 7l-2.5 6a2.5 2.5 0 0 0 5 0zM19 7l-2.5 6a2.5 2.5 0 0 0 5 0z" />
    </Svg>
  );
}

function IconList() {
  return (
    <Svg>
      <path d="M9 6h11M9 12h11M9 18h11" />
      <path d="M4 6h.01M4 12h.01M4 18h.01" />
    </Svg>
  );
}

function IconSliders() {
  return (
    <Svg>
      <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
      <circle cx="15" cy="6" r="2" />
      <circle cx="9" cy="12" r="2" />
      <circle cx="17" cy="18" r="2" />
    </Svg>
  );
}
