// Hash routes: `#/dashboard`, `#/tasks`, `#/agents`, `#/users`, `#/audit`, `#/settings`. Pure, so it
// is tested in node. Tasks and Agents open for every role (what a role may change is up to the page).
import type { Role } from '../../../preload/contract';

export const ROUTES = ['dashboard', 'tasks', 'agents', 'users', 'audit', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = 'dashboard';

const ADMIN_ROUTES: ReadonlySet<Route> = new Set(['users', 'audit']);

/** `#/users`, `#users`, `#/users/` and `#/users?x=1` all mean users; anything unknown is the dashboard. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').split(/[/?]/, 1)[0]?.toLowerCase() ?? '';
  return (ROUTES as readonly string[]).includes(path) ? (path as Route) : DEFAULT_ROUTE;
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

export function canOpen(route: Route, role: Role): boolean {
  return !ADMIN_ROUTES.has(route) || role === 'admin';
}

/** The page to show: the asked-for one if this role may open it, else the dashboard. */
export function routeFor(route: Route, role: Role): Route {
  return canOpen(route, role) ? route : DEFAULT_ROUTE;
}
