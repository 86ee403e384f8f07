// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { FrameLike, IpcEventLike } from '../bridge/ipc';
import { APP_ORIGIN, isTrustedSender } from './sender-check';

const WINDOW_ID = 7;

function fakeEvent(options: {
  id?: number;
  url?: string;
  origin?: string;
  subFrame?: boolean;
  noFrame?: boolean;
  otherMainFrame?: boolean;
}): IpcEventLike {
  const mainFrame: FrameLike = { url: options.url ?? 'app://ui/index.html', origin: options.origin, parent: null };
  const frame: FrameLike = options.subFrame
    ? { url: options.url ?? 'app://ui/index.html', origin: options.origin, parent: mainFrame }
    : mainFrame;
  return {
    sender: {
      id: options.id ?? WINDOW_ID,
      mainFrame: options.otherMainFrame ? { url: 'app://ui/index.html', parent: null } : mainFrame,
      isDestroyed: () => false,
      send: () => undefined,
      once: () => undefined,
    },
    senderFrame: options.noFrame ? null : frame,
  };
}

describe('isTrustedSender', () => {
  it('accepts the main frame of our window showing app://ui', () => {
    expect(isTrustedSender(fakeEvent({}), WINDOW_ID, APP_ORIGIN)).toBe(true);
    expect(isTrustedSender(fakeEvent({ origin: 'app://ui' }), WINDOW_ID)).toBe(true);
    expect(isTrustedSender(fakeEvent({ url: 'app://ui/tasks?x=1#y' }), WINDOW_ID)).toBe(true);
  });

  it('refuses a sub-frame, even one on our own origin', () => {
    expect(isTrustedSender(fakeEvent({ subFrame: true }), WINDOW_ID, APP_ORIGIN)).toBe(false);
  });

  it('refuses a frame that is not the main frame of its web contents', () => {
    expect(isTrustedSender(fakeEvent({ otherMainFrame: true }), WINDOW_ID, APP_ORIGIN)).toBe(false);
  });

  it('refuses a foreign origin', () => {
    for (const url of [
      'https://evil.example/index.html',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://ui.evil/index.html',
      'app://ui:8080/index.html',
      'http://ui/index.html',
      'about:blank',
      'not a url',
    ]) {
      expect(isTrustedSender(fakeEvent({ url }), WINDOW_ID, APP_ORIGIN), url).toBe(false);
    }
    expect(isTrustedSender(fakeEvent({ origin: 'https://evil.example' }), WINDOW_ID, APP_ORIGIN)).toBe(false);
  });

  it('refuses another window, a missing frame, or no window yet', () => {
    expect(isTrustedSender(fakeEvent({ id: 8 }), WINDOW_ID, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(fakeEvent({ noFrame: true }), WINDOW_ID, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(fakeEvent({}), null, APP_ORIGIN)).toBe(false);
  });
});
