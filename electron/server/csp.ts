// The Content-Security-Policy that every page of the UI is served with, desktop (app://) and
// headless (HTTP) alike. Scripts only from our own origin; no inline script, no eval.

export interface CspOptions {
  /** Extra origins the renderer may connect to (the headless bridge's ws:// URL). */
  connect?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
