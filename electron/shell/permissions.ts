// Which web permissions (camera, notifications, clipboard, …) the UI may get: none, until a
// feature needs one and adds it here on purpose, with a test.

const ALLOWED: ReadonlySet<string> = new Set<string>();

export function permissionAllowed(permission: string): boolean {
  return ALLOWED.has(permission);
}
