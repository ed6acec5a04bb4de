import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { groupRoutes } from './approvals/groups/routes.js';
import { linkRoutes } from './approvals/links/routes.js';
import { approvalRoutes } from './approvals/routes.js';
import { templateRoutes } from './approvals/templates/routes.js';
import { bearerToken, principalFromToken } from './auth/authenticate.js';
import { CSRF_COOKIE, SESSION_COOKIE, secureCookies } from './auth/cookies.js';
import { authRoutes } from './auth/routes.js';
import { mailRoutes } from './mail/routes.js';
import { peopleRoutes } from './people/routes.js';
import type { Config } from './shared/config.js';
import type { DatabaseHandle } from './shared/db/connect.js';
import { ping } from './shared/db/connect.js';
import { AppError, unauthorized } from './shared/errors.js';
import { frameworkErrors, registerInputGuards } from './shared/http/input.js';
import { registerProblemHandlers } from './shared/http/problem.js';
import { type AppDeps, DEFAULT_RATE_LIMITS, type RateLimits } from './shared/http/types.js';
import { ticketRoutes } from './tickets/routes.js';
import { workspaceRoutes } from './workspaces/routes.js';

export const BODY_LIMIT = 1024 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const csrfFailed = () => new AppError(403, 'csrf_failed', 'Missing or invalid CSRF token (send x-csrf-token)');

export type AppOptions = {
  database: DatabaseHandle;
  config: Config;
  rateLimits?: Partial<RateLimits>;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
};

export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? { level: options.config.logLevel },
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    ajv: undefined,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();

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
  };

  let ready = true;
  app.decorate('markNotReady', () => {
    ready = false;
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('authMethod', null);

  await app.register(fastifyCookie, options.config.sessionSecret ? { secret: options.config.sessionSecret } : {});
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: secureCookies(options.config) },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
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


  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
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
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (!ready) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await ping(deps.db);
      return { status: 'ready', database: deps.engine };
    } catch {
      return reply.code(503).send({ status: 'database_unavailable' });
    }
  });

  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<ZodTypeProvider>();
      authRoutes(typed, deps);
      workspaceRoutes(typed, deps);
      peopleRoutes(typed, deps);
      ticketRoutes(typed, deps);
      groupRoutes(typed, deps);
      templateRoutes(typed, deps);
      approvalRoutes(typed, deps);
      linkRoutes(typed, deps);
      mailRoutes(typed, deps);
    },
    { prefix: '/api/v1' },
  );

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    markNotReady(): void;
  }
}
