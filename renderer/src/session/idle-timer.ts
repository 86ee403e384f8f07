// Counts local keyboard/mouse activity and fires once after `idleMs` without any. Clock and
// timers are injected so the behaviour is tested without waiting (and page.clock works in e2e).
// The host locks a session on its own when it sees no call for its idle time, so activity here
// also sends a keep-alive now and then: someone reading a page without clicking stays signed in.
export interface IdleTimerOptions {
  idleMs: number;
  onIdle(): void;
  /** At most one keep-alive per this many ms, and only when there was activity. */
  keepAliveMs?: number;
  onKeepAlive?: () => void;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export interface IdleTimer {
  /** Someone touched the keyboard or mouse. */
  activity(): void;
  dispose(): void;
}

export function createIdleTimer(options: IdleTimerOptions): IdleTimer {
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearTimer = options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>));
  let last = now();
  let lastKeepAlive = last;
  let timer: unknown = null;
  let done = false;

  // Activity only moves a timestamp; the timer re-arms itself for the time still left when it fires.
  const check = () => {
    timer = null;
    if (done) return;
    const idle = now() - last;
    if (idle >= options.idleMs) {
      done = true;
      options.onIdle();
    } else {
      timer = setTimer(check, options.idleMs - idle);
    }
  };
  timer = setTimer(check, options.idleMs);

  return {
    activity: () => {
      if (done) return;
      last = now();
      if (options.onKeepAlive && options.keepAliveMs !== undefined && last - lastKeepAlive >= options.keepAliveMs) {
        lastKeepAlive = last;
        options.onKeepAlive();
      }
    },
    dispose: () => {
      done = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}
