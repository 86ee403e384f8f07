// Reconnect delays: 0.5 s doubling to a 10 s ceiling, so a restarted host is found quickly and a
// host that is gone for good is not hammered.
export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

/** Delay before reconnect attempt number `attempt` (0 = first retry after a drop). */
export function reconnectDelay(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.max(0, attempt));
}
