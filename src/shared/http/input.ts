import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../errors.js';
import { sendProblem } from './problem.js';

/** The security headers of answers made before helmet's hooks run (a problem has nothing to load). */
const BARE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * Errors the router raises before any route runs (a path segment over the
 * router's limit, a malformed percent-encoding) answered as problems too.
 * An over-long segment cannot be an id, so it is "not found" like any other.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // The router answers these before the app's onSend hooks exist for the request.
  reply.headers(BARE_HEADERS);
  // SPEC §4: a malformed link token (too long, bad escapes) answers like an unknown one.
  if (request.url.startsWith('/api/v1/approval-links/')) {
    reply.header('cache-control', 'no-store');
    sendProblem(reply, 'link_inactive', 'This link is no longer active');
    return;
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, 'not_found', 'Resource not found');
    return;
  }
  sendProblem(reply, 'invalid_request', 'The request URL is not valid', {
    errors: [{ field: 'url', message: 'is not valid' }],
  });
}

/** Nesting deeper than this is refused: no request needs it, and PostgreSQL's jsonb parser gives up on deep documents. */
export const MAX_BODY_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL text and jsonb cannot store this string, if they cannot. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no unpaired surrogate)';
  return null;
}

/**
 * The first string (value or key) that PostgreSQL cannot store (U+0000, an unpaired
 * surrogate), or the first value nested deeper than MAX_BODY_DEPTH.
 */
function badInput(value: unknown, path: string, depth = 0): { field: string; message: string } | null {
  if (typeof value === 'string') {
    const message = unstorable(value);
    return message ? { field: path, message } : null;
  }
  // A raw body (the inbound door's message/rfc822) is bytes, not a document to walk.
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  if (depth >= MAX_BODY_DEPTH)
    return { field: path, message: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}.${key}`;
    const message = unstorable(key);
    if (message) return { field: at, message };
    const found = badInput(child, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Bodies are JSON only (415 for anything else, including text/plain, which
 * Fastify would otherwise accept), and a NUL character, an unpaired surrogate
 * or absurdly deep nesting is a 400 rather than a database error.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    const bad = badInput(request.body, 'body');
    if (bad) throw invalid(bad.field, bad.message);
  });
}

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (headers over 16 KiB, a
 * malformed request line): answered as problems too, then the connection is closed.
 */
export function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail]: [number, string, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are larger than the server accepts']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request did not arrive in time']
        : [400, 'invalid_request', 'The request is not valid HTTP'];
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: `https://signoff.dev/problems/${code}`, title, status, code, detail });
  if (socket.writable) {
    const headers = Object.entries({
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      ...BARE_HEADERS,
      connection: 'close',
    }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${title}\r\n${headers.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}
