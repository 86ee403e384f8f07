// UI side of the session: the token (sessionStorage `delegate.session`, so a reload stays signed
// in but a new window does not), whether the screen is locked, who to show on the lock screen,
// and why the last session ended. The session itself (user, expiry) is server state: react-query.
import { create } from 'zustand';
import type { Role, SessionDto } from '../../../preload/contract';

export const TOKEN_KEY = 'delegate.session';
const UI_KEY = 'delegate.session.ui';

export interface SignedInUser {
  username: string;
  displayName: string;
  role: Role;
}

export interface SessionState {
  token: string | null;
  /** Shown on the lock screen even when the host will not tell us until unlocked. */
  who: SignedInUser | null;
  locked: boolean;
  /** Why the last session ended, shown above the sign-in form. */
  endedReason: string | null;
  signedIn(session: SessionDto): void;
  /** Lock the screen; `user` (when the host named them) refreshes who the lock screen shows. */
  lock(user?: SignedInUser): void;
  end(reason: string): void;
  signedOut(): void;
}

function read(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // Storage can be unavailable (private modes); the session then lasts until reload.
  }
}

function readUi(): { who: SignedInUser | null; locked: boolean } {
  try {
    const parsed = JSON.parse(read(UI_KEY) ?? 'null') as { who?: SignedInUser; locked?: boolean } | null;
    return { who: parsed?.who ?? null, locked: parsed?.locked === true };
  } catch {
    return { who: null, locked: false };
  }
}

const initialToken = read(TOKEN_KEY);
const initialUi = initialToken ? readUi() : { who: null, locked: false };

export const useSessionStore = create<SessionState>((set) => ({
  token: initialToken,
  who: initialUi.who,
  locked: initialUi.locked,
  endedReason: null,
  signedIn: (session) =>
    set({
      token: session.token,
      who: { username: session.user.username, displayName: session.user.displayName, role: session.user.role },
      locked: false,
      endedReason: null,
    }),
  lock: (user) =>
    set((state) => {
      if (!state.token) return state;
      const who = user ? { username: user.username, displayName: user.displayName, role: user.role } : state.who;
      return { locked: true, who };
    }),
  end: (reason) => set({ token: null, who: null, locked: false, endedReason: reason }),
  signedOut: () => set({ token: null, who: null, locked: false, endedReason: null }),
}));

useSessionStore.subscribe((state) => {
  write(TOKEN_KEY, state.token);
  write(UI_KEY, state.token ? JSON.stringify({ who: state.who, locked: state.locked }) : null);
});
