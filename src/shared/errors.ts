import { type ErrorCode, type ErrorCodeWithStatus, statusOf } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

/** A field that failed validation, as reported in `invalid_request` problems. */
export type FieldError = { field: string; message: string };

export type ProblemDetails = {
  errors?: FieldError[];
  retryAfterSeconds?: number;
  /** RFC 9457 extension members, added to the problem body as they are (never secrets). */
  extensions?: Record<string, unknown>;
};

/**
 * An error with a stable machine code from the table in error-codes.ts. Thrown
 * by adapters (routes, repositories); the domain core returns errors as values.
 * Its HTTP status is the table's, so a code cannot answer with another status than the document says.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ProblemDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusOf(code);
  }
}

/** An `AppError` for `code`, with the table's status. */
export const problem = (code: ErrorCode, message: string, details: ProblemDetails = {}) =>
  new AppError(code, message, details);

export const notFound = (what = 'Resource') => problem('not_found', `${what} not found`);

export const invalid = (field: string, message: string) =>
  problem('invalid_request', `Invalid request: ${field} ${message}`, { errors: [{ field, message }] });

export const forbidden = (
  code: ErrorCodeWithStatus<403> = 'forbidden',
  message = 'You are not allowed to do this',
) => problem(code, message);

export const conflict = (code: ErrorCodeWithStatus<409>, message: string) => problem(code, message);

export const unauthorized = (message = 'Authentication required') => problem('unauthorized', message);

export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests') =>
  problem('rate_limited', message, { retryAfterSeconds });
