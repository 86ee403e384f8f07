// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { FakeTimers } from '../testing/fakes';
import { createIdleTimer } from './idle-timer';

function setup(idleMs = 60_000, keepAliveMs?: number) {
  const timers = new FakeTimers();
  const onIdle = vi.fn();
  const onKeepAlive = vi.fn();
  const idle = createIdleTimer({
    idleMs,
    onIdle,
    onKeepAlive,
    keepAliveMs,
    now: () => timers.now,
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
    clearTimeout: (h) => timers.clearTimeout(h),
  });
  return { timers, onIdle, onKeepAlive, idle };
}

describe('createIdleTimer', () => {
  it('fires once after the idle time with no activity', () => {
    const { timers, onIdle } = setup();
    timers.advance(59_999);
    expect(onIdle).not.toHaveBeenCalled();
    timers.advance(1);
    timers.advance(600_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('counts the idle time from the last activity', () => {
    const { timers, onIdle, idle } = setup();
    timers.advance(50_000);
    idle.activity();
    timers.advance(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    timers.advance(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('sends a keep-alive on activity at most once per interval', () => {
    const { timers, onKeepAlive, idle } = setup(60_000, 15_000);
    idle.activity();
    timers.advance(10_000);
    idle.activity();
    expect(onKeepAlive).not.toHaveBeenCalled();
    timers.advance(5_000);
    idle.activity();
    idle.activity();
    expect(onKeepAlive).toHaveBeenCalledTimes(1);
  });

  it('never fires after dispose', () => {
    const { timers, onIdle, idle } = setup();
    idle.dispose();
    timers.advance(120_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
