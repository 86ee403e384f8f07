// The one error type every bridge call rejects with: the contract's `{ code, message, details }`
// as a real Error, so a page shows `message` and code decides what happens (lock, sign out, retry).
import type { BridgeErrorData, ErrorCode } from '../../../preload/contract';

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }

  static from(data: BridgeErrorData): BridgeError {
    return new BridgeError(data.code, data.message, data.details);
  }

  toJSON(): BridgeErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isBridgeError(value: unknown): value is BridgeError {
  return value instanceof BridgeError;
}

/** True for the error a locked session answers with: `unauthenticated` + `details.locked`. */
export function isLockedError(value: unknown): boolean {
  if (!isBridgeError(value) || value.code !== 'unauthenticated') return false;
  const details = value.details;
  return typeof details === 'object' && details !== null && (details as { locked?: unknown }).locked === true;
}

/** A message a person can read, whatever was thrown. */
export function errorMessage(value: unknown): string {
  if (isBridgeError(value)) return value.message;
  if (value instanceof Error) return value.message;
  return 'Something went wrong.';
}
