/** A field that failed validation, as reported in `invalid_request` problems. */
export type FieldError = { field: string; message: string };

/**
 * An error with a stable machine code and the HTTP status it maps to. Thrown
 * by adapters (routes, repositories); the domain core returns errors as values.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: {
      errors?: FieldError[];
      retryAfterSeconds?: number;
      /** RFC 9457 extension members, added to the problem body as they are (never secrets). */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found`);

export const invalid = (field: string, message: string) =>
  new AppError(400, 'invalid_request', `Invalid request: ${field} ${message}`, {
    errors: [{ field, message }],
  });

export const forbidden = (code = 'forbidden', message = 'You are not allowed to do this') =>
  new AppError(403, code, message);

export const conflict = (code: string, message: string) => new AppError(409, code, message);

export const unauthorized = (message = 'Authentication required') =>
  new AppError(401, 'unauthorized', message);

export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests') =>
  new AppError(429, 'rate_limited', message, { retryAfterSeconds });
