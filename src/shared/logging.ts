import type { FastifyRequest } from 'fastify';
import type { LoggerOptions, SerializedError } from 'pino';

/**
 * What replaces a secret in a log line. Fixed text, not a prefix of the
 * secret: a log reader learns that a token was there and nothing of it.
 */
export const MASK = '[redacted]';

/**
 * Pages and API paths whose next segment is a bearer secret: approval links
 * (hashed at rest, so a log line must not undo that), member and contact
 * sign-in links, password resets and invitations.
 */
// The segment as URL characters: tokens are base64url (percent-escapes and padding for good measure).
const TOKEN_PATH = /(\/(?:approval-links|respond|sign-in\/link|portal\/sign-in|set-password))\/[\w.~%+=-]+/g;
/** Query parameters that carry a secret, whatever the path (`?token=`, `?password=`, …). */
const SECRET_QUERY = /([?&;](?:[\w.-]*(?:token|password|secret|code|key))=)[^&#\s"'<>]*/gi;

/** The text with every token of a URL in it (path segment or query value) masked. */
export function maskSecrets(text: string): string {
  return text.replace(TOKEN_PATH, `$1/${MASK}`).replace(SECRET_QUERY, `$1${MASK}`);
}

/**
 * A database error's message quotes the value it refused (`invalid input
 * syntax for type uuid: "…"`), which may be a body or a token.
 */
const QUOTED_INPUT =
  /((?:invalid input (?:syntax|value) for (?:type|enum) [^:]+|value too long for type [^:]+):) ".*"/s;

/**
 * Fields of an error worth a log line. Everything else is left out on purpose:
 * drivers attach the SQL text with its parameters (`query`, `params`), and
 * PostgreSQL's `detail`/`where` quote row values (`Key (email)=(…) exists`).
 */
const KEPT_FIELDS = ['code', 'severity', 'routine', 'table', 'column', 'constraint', 'statusCode'] as const;

export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? maskSecrets(error) : error;
  const source = error as Error & Record<string, unknown>;
  const message = maskSecrets(error.message.replace(QUOTED_INPUT, `$1 "${MASK}"`));
  const stack = error.stack ? maskSecrets(error.stack.split(error.message).join(message)) : undefined;
  const out: Record<string, unknown> = { type: error.constructor?.name ?? error.name, message, stack };
  for (const field of KEPT_FIELDS) {
    if (source[field] !== undefined && source[field] !== null) out[field] = source[field];
  }
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out as SerializedError;
}

type RequestLike = Pick<FastifyRequest, 'method' | 'url' | 'hostname' | 'ip' | 'id'> & {
  socket?: { remotePort?: number };
};

/** Fastify's request line, with the URL's tokens masked. */
export function serializeRequest(request: RequestLike) {
  return {
    method: request.method,
    url: maskSecrets(request.url),
    hostname: request.hostname,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Serializers every logger of the server and the worker uses. */
export const LOG_SERIALIZERS = {
  req: serializeRequest,
  err: serializeError,
  error: serializeError,
} as unknown as NonNullable<LoggerOptions['serializers']>;

/** pino options for a process: the level, and the serializers that keep secrets out. */
export function loggerOptions(level: string): LoggerOptions {
  return withSecretsMasked({ level });
}

/**
 * The options with the serializers above, and every text argument of a log
 * call masked too (a message built from a URL by a library).
 */
export function withSecretsMasked(options: LoggerOptions): LoggerOptions {
  return {
    ...options,
    serializers: { ...options.serializers, ...LOG_SERIALIZERS },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg) : arg));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
}
