// The shape of `window.delegate` and the IPC channels it travels on, shared by the preload and
// the main process. Pure: no 'electron' here, so it is unit-tested and usable by any transport.

/** One channel per procedure: the preload never exposes a generic invoke(channel, …). */
export const CALL_CHANNEL_PREFIX = 'delegate:call:';
/** Main -> renderer pushes (events, session notices). */
export const MESSAGE_CHANNEL = 'delegate:message';
/** The one key of `window.delegate` that is not an area of calls. */
export const SUBSCRIBE_KEY = 'subscribe';

export function callChannel(name: string): string {
  return CALL_CHANNEL_PREFIX + name;
}

const CALL_NAME = /^([a-z][A-Za-z0-9]*)\.([a-z][A-Za-z0-9]*)$/;

/**
 * Groups call names `area.method` into `{ area: [method, …] }`, in contract order. Throws on a
 * malformed or duplicate name, or an area that would shadow `subscribe`: the preload must never
 * expose something the contract does not list.
 */
export function buildApiShape(callNames: readonly string[]): Record<string, string[]> {
  const shape: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const seen = new Set<string>();
  for (const name of callNames) {
    const match = CALL_NAME.exec(name);
    if (!match) throw new Error(`Call name "${name}" is not of the form area.method`);
    if (seen.has(name)) throw new Error(`Call name "${name}" appears twice`);
    seen.add(name);
    const area = match[1] as string;
    const method = match[2] as string;
    if (area === SUBSCRIBE_KEY) throw new Error(`Area "${area}" would shadow window.delegate.subscribe`);
    (shape[area] ??= []).push(method);
  }
  return { ...shape };
}
