// Where the window may go: only our own UI (app://ui/…). Links out open in the system browser,
// and only https: ones — never file:, javascript:, custom protocol handlers or plain http.

export function isAllowedNavigation(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === 'app:' &&
    parsed.host === 'ui' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export function externalUrlAllowed(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

function parse(url: string): URL | null {
  if (typeof url !== 'string' || url.length > 8192) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
