// Decides whether an IPC message may reach the bridge: only the main frame of our own window,
// showing our own UI (app://ui). A sub-frame, another window or a page that navigated away is refused.
import type { IpcEventLike } from '../bridge/ipc';

/** The origin the UI is served from (see app-protocol.ts). */
export const APP_ORIGIN = 'app://ui';

export function isTrustedSender(
  event: IpcEventLike,
  expectedWebContentsId: number | null,
  allowedOrigin: string = APP_ORIGIN,
): boolean {
  if (expectedWebContentsId === null) return false;
  const sender = event.sender;
  if (!sender || sender.id !== expectedWebContentsId) return false;
  // senderFrame is null when the frame navigated or was destroyed before the message arrived.
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame.parent !== null) return false;
  // Electron hands out one WebFrameMain object per frame, so the main frame is identical to it.
  if (sender.mainFrame !== undefined && sender.mainFrame !== frame) return false;
  return frameOrigin(frame) === allowedOrigin;
}

/** The frame's origin as scheme://host[:port]. Node's URL says 'null' for custom schemes, so build it. */
function frameOrigin(frame: { origin?: string; url: string }): string | null {
  if (typeof frame.origin === 'string' && frame.origin !== '' && frame.origin !== 'null') return frame.origin;
  try {
    const url = new URL(frame.url);
    if (url.username !== '' || url.password !== '') return null;
    return `${url.protocol}//${url.host}`;
  } catch {
    return null;
  }
}
