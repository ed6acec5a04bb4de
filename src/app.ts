import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { groupRoutes } from './approvals/groups/routes.js';
import { linkRoutes } from './approvals/links/routes.js';
import { revokeLinksOfDeactivatedMember } from './approvals/links/service.js';
import { approvalRoutes } from './approvals/routes.js';
import { templateRoutes } from './approvals/templates/routes.js';
import { auditRoutes } from './auth/audit.js';
import { bearerToken, principalFromToken } from './auth/authenticate.js';
import { CSRF_COOKIE, SESSION_COOKIE, secureCookies } from './auth/cookies.js';
import { passwordResetRoutes } from './auth/password-resets.js';
import { authRoutes } from './auth/routes.js';
import { signInLinkRoutes } from './auth/sign-in-links.js';
import { inboundRoutes } from './inbound/routes.js';
import { type SmtpListener, type SmtpListenerOptions, startSmtpListener } from './inbound/smtp-listener.js';
import { mailRoutes } from './mail/routes.js';
import { peopleRoutes } from './people/routes.js';
import type { Config } from './shared/config.js';
import type { DatabaseHandle } from './shared/db/connect.js';
import { ping } from './shared/db/connect.js';
import type { DnsResolver } from './shared/email/dns.js';
import { problem, unauthorized } from './shared/errors.js';
import { clientError, frameworkErrors, registerInputGuards } from './shared/http/input.js';
import { withComponentsAndErrorCodes, withProblemResponses } from './shared/http/openapi.js';
import { registerProblemHandlers, sendProblem } from './shared/http/problem.js';
import { type AppDeps, DEFAULT_RATE_LIMITS, type RateLimits } from './shared/http/types.js';
import { withSecretsMasked } from './shared/logging.js';
import { ticketRoutes } from './tickets/routes.js';
import { workspaceRoutes } from './workspaces/routes.js';

export const BODY_LIMIT = 1024 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const csrfFailed = () => problem('csrf_failed', 'Missing or invalid CSRF token (send x-csrf-token)');

export type AppOptions = {
  database: DatabaseHandle;
  config: Config;
  rateLimits?: Partial<RateLimits>;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /** Fastify's request lines (logging.ts `BriefRequestLog` at a terminal); its default when absent. */
  logController?: FastifyServerOptions['logController'];
  /** The built web app to serve (tests point it at a folder of their own). */
  webDist?: string;
  /** Overrides of the inbound SMTP listener's limits (tests, benches); it starts only when INBOUND_SMTP_PORT is set. */
  inboundSmtp?: Pick<SmtpListenerOptions, 'maxMessageBytes' | 'maxClients' | 'socketTimeoutMs'>;
  /** DNS for inbound mail's SPF/DKIM/DMARC checks (tests give a table); node's resolver when absent. */
  dnsResolver?: DnsResolver;
};

/** Fastify takes a hop count at run time but its types do not: the same rule as a function (trust the first `hops`). */
function trustProxyOption(setting: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

export async function buildApp(options: AppOptions) {
  const limits = options.config.http;
  const app = Fastify({
    // Whatever logger the caller asks for, tokens and SQL parameters stay out of it (issue 12).
    logger:
      options.logger === false
        ? false
        : withSecretsMasked(
            typeof options.logger === 'object' ? options.logger : { level: options.config.logLevel },
          ),
    ...(options.logController ? { logController: options.logController } : {}),
    // A client sending its request one byte at a time, or holding an idle socket, is cut off.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(options.config.trustProxy),
    ajv: undefined,
    frameworkErrors,
    clientErrorHandler: clientError,
  }).withTypeProvider<ZodTypeProvider>();

  // Beyond this many open sockets Node closes new ones at once, before any file descriptor runs out.
  app.server.maxConnections = limits.maxConnections;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  registerInputGuards(app);

  const deps: AppDeps = {
    db: options.database.db,
    engine: options.database.engine,
    config: options.config,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
    now: options.now ?? (() => new Date()),
    ...(options.dnsResolver ? { dnsResolver: options.dnsResolver } : {}),
  };

  let ready = true;
  app.decorate('markNotReady', () => {
    ready = false;
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('authMethod', null);

  // First, so that every answer carries the security headers, the 401s of the auth hook included.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: secureCookies(options.config),
    crossOriginEmbedderPolicy: false,
  });

  // No secret: sessions are random tokens hashed at rest, there is nothing to sign (docs/decisions.md).
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: secureCookies(options.config) },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });

  app.addHook('onRequest', async (request, reply) => {
    // The routed path, not the raw target: `GET http://host/api/v1/me` (absolute form) is an API request too.
    if (!requestPath(request.url).startsWith('/api/')) return;
    const token = bearerToken(request);
    const cookie = token ? undefined : request.cookies[SESSION_COOKIE];
    if (token || cookie) {
      const principal = await principalFromToken(deps.db, (token ?? cookie)!, deps.now());
      if (principal) {
        request.principal = principal;
        request.authMethod = token ? 'bearer' : 'cookie';
      } else if (token && !request.routeOptions.config.public) {
        throw unauthorized('The session is invalid or expired');
      }
    }
    if (!request.principal && !request.routeOptions.config.public && request.routeOptions.url) {
      throw unauthorized();
    }
    // A browser's cookie rides along on cross-site requests: changes made with it need the CSRF token.
    if (request.authMethod === 'cookie' && !SAFE_METHODS.has(request.method)) {
      await new Promise<void>((resolve, reject) => {
        app.csrfProtection(request, reply, (error?: Error) => (error ? reject(csrfFailed()) : resolve()));
      });
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Signoff API',
        version: '1.0.0',
        description:
          'Helpdesk with first-class approvals. Errors are application/problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: withProblemResponses,
    transformObject: withComponentsAndErrorCodes,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (!ready) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await withTimeout(ping(deps.db), READY_TIMEOUT_MS);
      return { status: 'ready', database: deps.engine };
    } catch {
      // Unreachable, or too slow to answer (pool exhausted, server stuck): a balancer must not wait on us.
      return reply.code(503).header('retry-after', '1').send({ status: 'database_unavailable' });
    }
  });

  await registerWebApp(app, options.webDist ?? WEB_DIST, options.config.production);
  registerInboundSmtp(app, deps, options);

  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<ZodTypeProvider>();
      authRoutes(typed, deps);
      signInLinkRoutes(typed, deps);
      passwordResetRoutes(typed, deps);
      auditRoutes(typed, deps);
      workspaceRoutes(typed, deps);
      // Deactivating a member revokes their emailed approval links in the same transaction.
      peopleRoutes(typed, deps, { onMemberDeactivated: revokeLinksOfDeactivatedMember });
      ticketRoutes(typed, deps);
      groupRoutes(typed, deps);
      templateRoutes(typed, deps);
      approvalRoutes(typed, deps);
      linkRoutes(typed, deps);
      mailRoutes(typed, deps);
      inboundRoutes(typed, deps);
    },
    { prefix: '/api/v1' },
  );

  return app;
}

/**
 * The SMTP door of inbound mail (SPEC §8.2) lives and dies with the HTTP server: it starts when the app is
 * ready (a port already taken fails the start, like the HTTP port) and closes with it, before the database
 * handle is closed, so that a message in flight still finishes its transaction.
 */
function registerInboundSmtp(app: FastifyInstance, deps: AppDeps, options: AppOptions) {
  const { smtpPort, smtpHost } = options.config.inbound;
  const state: { port: number | null } = { port: null };
  app.decorate('inboundSmtp', state);
  if (smtpPort === null) return;
  let listener: SmtpListener | null = null;
  app.addHook('onReady', async () => {
    listener = await startSmtpListener(
      { ...deps, log: app.log },
      {
        ...options.inboundSmtp,
        host: smtpHost,
        port: smtpPort,
        log: app.log,
      },
    );
    state.port = listener.port;
  });
  app.addHook('onClose', async () => {
    await listener?.close();
  });
}

/** `/readyz` answers within this, whatever the database does. */
export const READY_TIMEOUT_MS = 800;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // The late promise may still fail: that must not become an unhandled rejection.
  promise.catch(() => {});
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * The path of a request target, in origin form (`/api/v1/me?x`) or absolute form
 * (`http://host/api/v1/me`), without its query: what the router matches, so what authentication decides on.
 */
export function requestPath(target: string): string {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  try {
    return new URL(target).pathname;
  } catch {
    return target;
  }
}

export const WEB_DIST = resolve(import.meta.dirname, '../web/dist');

/**
 * The single-page app: its built files, and index.html for every page path
 * (/, /portal, /respond/{token}, …) so the browser's router takes over.
 */
async function registerWebApp(app: FastifyInstance, root: string, production: boolean) {
  const built = existsSync(join(root, 'index.html'));
  // NODE_ENV=production (SPEC §7, caching only): browsers keep the hashed assets for a year. In
  // development nothing is kept without asking again, so every rebuild shows at the next reload.
  const assetCaching = production ? 'public, max-age=31536000, immutable' : 'no-cache';
  if (built) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      setHeaders(res, path) {
        res.header('cache-control', path.includes('/assets/') ? assetCaching : 'no-cache');
      },
    });
  } else {
    app.log.warn(`web app not built (${root}); run npm run build:web`);
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isPage =
      built &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      !path.startsWith('/docs') &&
      !/\.[a-z0-9]+$/i.test(path);
    // Assets of a rebuild made after start-up (only files present at start are registered as routes).
    if (
      built &&
      request.method === 'GET' &&
      /^\/assets\/[\w.-]+$/.test(path) &&
      existsSync(join(root, path))
    ) {
      return reply.header('cache-control', assetCaching).sendFile(path.slice(1));
    }
    if (!isPage) return sendProblem(reply, 'not_found', `No route for ${request.method} ${path}`);
    return (
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        // Read each time: a rebuild (new asset names) is served without restarting the server.
        .send(readFileSync(join(root, 'index.html')))
    );
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    markNotReady(): void;
    /** The bound port of the inbound SMTP listener; null when INBOUND_SMTP_PORT is unset. */
    inboundSmtp: { port: number | null };
  }
}
