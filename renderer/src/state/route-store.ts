// The current route, kept in step with location.hash both ways (links, back/forward, navigate()).
import { create } from 'zustand';
import { parseRoute, routeHref, type Route } from './route';

interface RouteState {
  route: Route;
}

export const useRouteStore = create<RouteState>(() => ({ route: parseRoute(window.location.hash) }));

window.addEventListener('hashchange', () => {
  useRouteStore.setState({ route: parseRoute(window.location.hash) });
});

/** Show `route` instead of the one asked for, without a history entry (e.g. a page this role may not open). */
export function redirect(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.history.replaceState(window.history.state, '', href);
  useRouteStore.setState({ route });
}
