import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';
import { AppError, type FieldError, type ProblemDetails } from '../errors.js';

export type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers `code` as an RFC 9457 problem, with the status and title of the error-code table. */
export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: ProblemDetails = {},
): FastifyReply {
  const { status, title } = ERROR_CODES[code];
  return writeProblem(reply, status, code, detail, extra, title);
}

/** A 4xx Fastify raised with a code of its own (`fst_err_*`), passed on as it is. */
function sendFrameworkProblem(reply: FastifyReply, status: number, code: string, detail: string) {
  return writeProblem(reply, status, code, detail, {}, TITLES[status] ?? 'Error');
}

function writeProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extra: ProblemDetails,
  title: string,
): FastifyReply {
  const body: Problem = {
    ...extra.extensions,
    type: `https://signoff.dev/problems/${code}`,
    title,
    status,
    code,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  if (extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(extra.retryAfterSeconds));
  return reply.code(status).type('application/problem+json; charset=utf-8').send(body);
}

// Errors from the database driver that mean "the database is unreachable right now", not "bug".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02',
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '53300', // too_many_connections
]);

// Errors that mean "out of time or room": the statement timeout, a full or read-only disk. Retried later.
const EXHAUSTED_CODES = new Set([
  '57014', // query_canceled: statement_timeout ran out (a locked table, a stuck query)
  '55P03', // lock_not_available (lock_timeout)
  '53100', // disk_full
  '53200', // out_of_memory
  'ENOSPC',
  'EDQUOT',
  'EROFS',
]);

/** Seconds a client should wait before retrying, or null when the error is not a passing unavailability. */
export function unavailableRetryAfter(error: unknown): number | null {
  const e = error as { code?: string; message?: string; cause?: unknown } | null;
  if (!e) return null;
  if (e.code && EXHAUSTED_CODES.has(e.code)) return 5;
  const msg = e.message ?? '';
  // pg's pool: no connection free within connectionTimeoutMillis.
  if (/timeout exceeded when trying to connect/i.test(msg)) return 5;
  if (/No space left on device|disk quota exceeded|read-only file system/i.test(msg)) return 5;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return 1;
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(msg))
    return 1;
  return e.cause && e.cause !== error ? unavailableRetryAfter(e.cause) : null;
}

function fieldsFromValidation(error: FastifyError): FieldError[] {
  const validation = (error.validation ?? []) as Array<{
    keyword?: string;
    instancePath?: string;
    message?: string;
    params?: { issue?: { path?: PropertyKey[] }; keys?: unknown };
  }>;
  const raw = (error as { validationContext?: string }).validationContext ?? 'body';
  // `query.x`, as the handlers name query fields too (e.g. `query.cursor`).
  const context = raw === 'querystring' ? 'query' : raw;
  return validation.flatMap((v) => {
    const path = v.instancePath?.replace(/^\//, '').replaceAll('/', '.') ?? '';
    const field = path ? `${context}.${path}` : context;
    // Each unknown field by name, so clients see which ones to drop.
    if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params?.keys) && v.params.keys.length > 0) {
      return v.params.keys.map((key) => ({ field: `${field}.${String(key)}`, message: 'is not allowed' }));
    }
    return [{ field, message: v.message ?? 'is invalid' }];
  });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      return sendProblem(reply, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      const errors = fieldsFromValidation(error);
      const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      return sendProblem(reply, 'invalid_request', `Invalid request: ${summary}`, { errors });
    }
    switch (error.code) {
      case 'FST_CSRF_MISSING_SECRET':
      case 'FST_CSRF_INVALID_TOKEN':
        return sendProblem(reply, 'csrf_failed', 'Missing or invalid CSRF token (send x-csrf-token)');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        // The inbound door (SPEC §8.2) takes messages up to 25 MiB: over its own limit, the message is too large.
        if (request.routeOptions.url?.endsWith('/inbound/email'))
          return sendProblem(reply, 'message_too_large', 'The message is larger than 25 MiB');
        return sendProblem(reply, 'payload_too_large', 'The request body is larger than 1 MiB');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, 'unsupported_media_type', 'Send the body as application/json');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, 'invalid_request', 'The JSON body is empty', {
          errors: [{ field: 'body', message: 'is required' }],
        });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, 'invalid_json', 'The body is not valid JSON');
    }
    if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
      return sendProblem(reply, 'invalid_json', 'The body is not valid JSON');
    }
    const retryAfterSeconds = unavailableRetryAfter(error);
    if (retryAfterSeconds !== null) {
      request.log.warn({ err: error }, 'service unavailable');
      return sendProblem(reply, 'service_unavailable', 'The service is briefly unavailable; retry', {
        retryAfterSeconds,
      });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendFrameworkProblem(
        reply,
        error.statusCode,
        error.code?.toLowerCase() ?? 'bad_request',
        error.message,
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 'internal_error', 'An unexpected error occurred');
  });
}
