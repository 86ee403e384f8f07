import type { DelegateApi } from '../../preload/contract';

declare global {
  interface Window {
    /** Present only inside the Electron shell (exposed by preload/index.ts). */
    delegate?: DelegateApi;
  }
}

export {};
