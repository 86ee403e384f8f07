// Errors cross every boundary as data: { code, message, details }. Services throw AppError;
// the bridge maps anything else to 'internal' without leaking its text.
import type { BridgeErrorData, ErrorCode } from '../../preload/contract';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  toData(): BridgeErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const invalidInput = (message: string, details?: unknown) => new AppError('invalid_input', message, details);
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, details);
export const unauthenticated = (message: string, details?: unknown) =>
  new AppError('unauthenticated', message, details);
export const forbidden = (message: string) => new AppError('forbidden', message);
