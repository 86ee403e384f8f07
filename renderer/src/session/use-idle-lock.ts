// Locks the screen after `idleMs` with no keyboard or mouse activity in this window.
import { useEffect, useRef } from 'react';
import { createIdleTimer } from './idle-timer';

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** Activity keeps the host's session awake at most this often (and at least 4x per idle period). */
const KEEP_ALIVE_MAX_MS = 60_000;

export function useIdleLock(idleMs: number, onIdle: () => void, onKeepAlive: () => void, enabled = true): void {
  const onIdleRef = useRef(onIdle);
  const onKeepAliveRef = useRef(onKeepAlive);
  useEffect(() => {
    onIdleRef.current = onIdle;
    onKeepAliveRef.current = onKeepAlive;
  });

  useEffect(() => {
    if (!enabled || !Number.isFinite(idleMs) || idleMs <= 0) return;
    const timer = createIdleTimer({
      idleMs,
      onIdle: () => onIdleRef.current(),
      keepAliveMs: Math.min(KEEP_ALIVE_MAX_MS, Math.floor(idleMs / 4)),
      onKeepAlive: () => onKeepAliveRef.current(),
    });
    const activity = () => timer.activity();
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, activity, { capture: true, passive: true });
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, activity, { capture: true });
      timer.dispose();
    };
  }, [idleMs, enabled]);
}
