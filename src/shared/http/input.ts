import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../errors.js';
import { sendProblem } from './problem.js';

/**
 * Errors the router raises before any route runs (a path segment over the
 * router's limit, a malformed percent-encoding) answered as problems too.
 * An over-long segment cannot be an id, so it is "not found" like any other.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // The router answers these before the app's onSend hooks exist for the request.
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  // SPEC §4: a malformed link token (too long, bad escapes) answers like an unknown one.
  if (request.url.startsWith('/api/v1/approval-links/')) {
    sendProblem(reply, 410, 'link_inactive', 'This link is no longer active');
    return;
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, 404, 'not_found', 'Resource not found');
    return;
  }
  sendProblem(reply, 400, 'invalid_request', 'The request URL is not valid', {
    errors: [{ field: 'url', message: 'is not valid' }],
  });
}

/** The path of the first string (value or key) holding U+0000, which PostgreSQL text and jsonb cannot store. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (key.includes('\u0000')) return at;
    const found = nulPath(child, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Bodies are JSON only (415 for anything else, including text/plain, which
 * Fastify would otherwise accept), and a NUL character is a 400 rather than a
 * database error.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    const at = nulPath(request.body, 'body');
    if (at) throw invalid(at, 'must not contain the NUL character (U+0000)');
  });
}
