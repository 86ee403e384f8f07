// Hash routes: `#/dashboard`, `#/tasks`, `#/work`, `#/agents`, `#/delegation`, `#/whatif`, `#/users`,
// `#/audit`, `#/settings`. Pure, so it is tested in node. Tasks, My work, Agents and Delegation open
// for every role (what a role may change is up to the page); What if for supervisors and up; Users
// and Audit for admins.
import { roleAtLeast, type Role } from '../../../preload/contract';

export const ROUTES = ['dashboard', 'tasks', 'work', 'agents', 'delegation', 'whatif', 'users', 'audit', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = 'dashboard';

/** The least role that may open a route; routes not listed open for everyone signed in. */
const ROUTE_ROLES: Partial<Record<Route, Role>> = { whatif: 'supervisor', users: 'admin', audit: 'admin' };

/** `#/users`, `#users`, `#/users/` and `#/users?x=1` all mean users; anything unknown is the dashboard. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').split(/[/?]/, 1)[0]?.toLowerCase() ?? '';
  return (ROUTES as readonly string[]).includes(path) ? (path as Route) : DEFAULT_ROUTE;
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

export function canOpen(route: Route, role: Role): boolean {
  const needed = ROUTE_ROLES[route];
  return needed === undefined || roleAtLeast(role, needed);
}

/** The page to show: the asked-for one if this role may open it, else the dashboard. */
export function routeFor(route: Route, role: Role): Route {
  return canOpen(route, role) ? route : DEFAULT_ROUTE;
}
