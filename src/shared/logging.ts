import type { FastifyReply, FastifyRequest } from 'fastify';
import { LogController } from 'fastify';
import type { DestinationStream, LoggerOptions, SerializedError } from 'pino';
import pinoPretty from 'pino-pretty';

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

/**
 * How a process writes its logs (issue 15 item 5): `pretty` for a person at a
 * terminal (stdout is a TTY and NODE_ENV is not production): one short
 * coloured line per API request, the rest as pino-pretty prints it; `json`
 * otherwise (a pipe, a file, a log collector, or production), as before.
 */
export type LogFormat = 'pretty' | 'json';

export function logFormat(where: { tty: boolean; production: boolean }): LogFormat {
  return where.tty && !where.production ? 'pretty' : 'json';
}

/**
 * pino-pretty as a synchronous stream in this process, not a pino transport:
 * no worker thread to resolve the module from (the server runs as an esbuild
 * bundle), and nothing is lost when the process exits at once. The masking
 * happens before (serializers and the logMethod hook), so it holds here too.
 */
export function prettyStream(destination?: NodeJS.WritableStream): DestinationStream {
  return pinoPretty({
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    // The request line says it all; the ids and the objects of Fastify's own lines are noise at a terminal.
    ignore: 'pid,hostname,reqId,req,res,responseTime',
    ...(destination ? { destination, colorize: false } : {}),
  });
}

/** Paths whose successful answers are not worth a line at a terminal: pages, assets, health checks. */
const isQuietPath = (url: string) => !url.startsWith('/api/');

/**
 * Fastify's request lines, brief (the `pretty` format): no "incoming request"
 * line, and one "METHOD /url status time" line when the answer goes out, for
 * API calls and for every failed request (at `warn` for 4xx outside the API,
 * `error` for 5xx). The URL is masked like every other (maskSecrets).
 */
export class BriefRequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const failed = Boolean(error) || status >= 500;
    if (!failed && status < 400 && isQuietPath(request.url)) return;
    const line = `${request.method} ${maskSecrets(request.url)} ${status} ${Math.round(reply.elapsedTime)} ms`;
    if (failed) reply.log.error(error ? { err: error } : {}, line);
    else if (status >= 400 && isQuietPath(request.url)) reply.log.warn(line);
    else reply.log.info(line);
  }
}

/**
 * The server's logger options and request-line controller for a format:
 * `json` is pino's JSON on stdout with Fastify's request lines, as before;
 * `pretty` writes through `prettyStream` with `BriefRequestLog`.
 */
export function serverLogging(
  level: string,
  format: LogFormat,
  destination?: NodeJS.WritableStream,
): { logger: LoggerOptions & { stream?: DestinationStream }; logController?: LogController } {
  if (format === 'json') return { logger: { level } };
  return { logger: { level, stream: prettyStream(destination) }, logController: new BriefRequestLog() };
}
