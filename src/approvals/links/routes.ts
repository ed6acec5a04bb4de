import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hit } from '../../auth/rate-limit.js';
import { tooManyRequests } from '../../shared/errors.js';
import type { Api, AppDeps } from '../../shared/http/types.js';
import { infoText } from '../use-cases/needs-info.js';
import { askForInfoByLink, decideByLink, linkPage } from './service.js';

const params = z.strictObject({ token: z.string().max(200) });
// No default decision: a form submitted without a chosen button decides nothing (SPEC §4).
const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().max(10_000).optional(),
});

export function linkRoutes(app: Api, deps: AppDeps): void {
  const tags = ['approval links'];
  const limit = async (request: FastifyRequest) => {
    const state = await hit(deps.db, `links:ip:${request.ip}`, deps.rateLimits.approvalLinks);
    if (state.count > deps.rateLimits.approvalLinks.max) {
      throw tooManyRequests(state.retryAfterSeconds, 'Too many link requests from this address');
    }
  };

  app.get(
    '/approval-links/:token',
    { config: { public: true }, schema: { tags, params } },
    async (request, reply) => {
      await limit(request);
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
      return linkPage(deps, request.params.token, request.principal);
    },
  );

  app.post(
    '/approval-links/:token/decisions',
    { config: { public: true }, schema: { tags, params, body: decisionBody } },
    async (request, reply) => {
      await limit(request);
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
      return decideByLink(deps, request.params.token, request.principal, request.body);
    },
  );

  app.post(
    '/approval-links/:token/needs-info',
    { config: { public: true }, schema: { tags, params, body: z.strictObject({ question: infoText }) } },
    async (request, reply) => {
      await limit(request);
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
      return askForInfoByLink(deps, request.params.token, request.principal, request.body.question);
    },
  );
}
