// Which screen shows: first-run setup, sign-in, the lock screen, or the app with its pages.
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect } from 'react';
import { errorMessage } from './bridge/bridge-error';
import { PageErrorBoundary } from './components/page-error-boundary';
import { Shell } from './components/shell';
import { Splash } from './components/splash';
import { AgentsPage } from './pages/agents-page';
import { AuditPage } from './pages/audit-page';
import { DashboardPage } from './pages/dashboard-page';
import { DelegationPage } from './pages/delegation-page';
import { LockScreen } from './pages/lock-screen';
import { LoginPage } from './pages/login-page';
import { SettingsPage } from './pages/settings-page';
import { SetupPage } from './pages/setup-page';
import { TasksPage } from './pages/tasks-page';
import { UsersPage } from './pages/users-page';
import { WorkPage } from './pages/work-page';
import { useBridge, useCall } from './query/call-hooks';
import { callKey } from './query/call-key';
import { useLockNow } from './session/use-sign-out';
import { useIdleLock } from './session/use-idle-lock';
import { routeFor, type Route } from './state/route';
import { redirect, useRouteStore } from './state/route-store';
import { useSessionStore } from './state/session-store';
import type { SessionDto } from '../../preload/contract';

// The What-if page carries the charting library: loaded the first time someone opens it.
const WhatIfPage = lazy(() => import('./pages/whatif-page').then((module) => ({ default: module.WhatIfPage })));

const TITLES: Record<Route, string> = {
  dashboard: 'Dashboard',
  tasks: 'Tasks',
  work: 'My work',
  agents: 'Agents',
  delegation: 'Delegation',
  whatif: 'What if',
  users: 'Users',
  audit: 'Audit trail',
  settings: 'Settings',
};

export function App() {
  const token = useSessionStore((state) => state.token);
  const locked = useSessionStore((state) => state.locked);
  const status = useCall('auth.status', {}, { staleTime: 60_000 });

  if (!status.data) {
    return <Splash message="Connecting to the Delegate host…" error={status.isError ? status.error : undefined} onRetry={() => void status.refetch()} />;
  }
  const siteName = status.data.siteName;
  if (!token) {
    return status.data.setupRequired ? <SetupPage siteName={siteName} /> : <LoginPage siteName={siteName} />;
  }
  if (locked) return <LockScreen />;
  return <SignedIn token={token} siteName={siteName} />;
}

function SignedIn({ token, siteName }: { token: string; siteName: string }) {
  const session = useCall('auth.resume', { token }, { staleTime: Infinity, gcTime: Infinity, retry: false });
  if (session.data) return <Workspace session={session.data} siteName={siteName} />;
  if (session.isError) {
    return <Splash message="" error={new Error(`Your session could not be restored: ${errorMessage(session.error)}`)} onRetry={() => void session.refetch()} />;
  }
  return <Splash message="Restoring your session…" />;
}

function Workspace({ session, siteName }: { session: SessionDto; siteName: string }) {
  const asked = useRouteStore((state) => state.route);
  const route = routeFor(asked, session.user.role);
  const settings = useCall('settings.get', {});
  const lockNow = useLockNow();
  // The site setting wins over the value copied into the session at sign-in, so a changed
  // setting applies without signing in again.
  const idleMs = settings.data ? settings.data.sessionIdleLockMinutes * 60_000 : session.idleLockMs;
  const client = useBridge();
  const queryClient = useQueryClient();
  const keepAlive = useCallback(() => {
    // Any signed-in call tells the host someone is here; settings.get is the cheapest useful one.
    client.call('settings.get', {}).then(
      (value) => queryClient.setQueryData(callKey('settings.get', {}), value),
      () => {},
    );
  }, [client, queryClient]);
  useIdleLock(idleMs, lockNow, keepAlive);

  useEffect(() => {
    if (asked !== route) redirect(route);
  }, [asked, route]);

  useEffect(() => {
    document.title = `${TITLES[route]} · ${siteName} · Delegate`;
  }, [route, siteName]);

  return (
    <Shell session={session} siteName={siteName} route={route}>
      {/* Keyed by route: going to another page clears a failed one. */}
      <PageErrorBoundary key={route}>
        {route === 'dashboard' && <DashboardPage session={session} siteName={siteName} />}
        {route === 'tasks' && <TasksPage me={session.user} />}
        {route === 'work' && <WorkPage />}
        {route === 'agents' && <AgentsPage me={session.user} />}
        {route === 'delegation' && <DelegationPage me={session.user} />}
        {route === 'whatif' && (
          <Suspense fallback={<p className="load-state">Loading…</p>}>
            <WhatIfPage />
          </Suspense>
        )}
        {route === 'users' && <UsersPage me={session.user} />}
        {route === 'audit' && <AuditPage />}
        {route === 'settings' && <SettingsPage me={session.user} />}
      </PageErrorBoundary>
    </Shell>
  );
}
