import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hit } from '../../auth/rate-limit.js';
import { tooManyRequests } from '../../shared/errors.js';
import type { Api, AppDeps } from '../../shared/http/types.js';
import { infoText } from '../use-cases/needs-info.js';
import { linkComment, linkDecisionResult, linkPage as linkPageSchema } from './schemas.js';
import { askForInfoByLink, commentByLink, decideByLink, linkPage } from './service.js';

const params = z.strictObject({ token: z.string().max(200) });
// No default decision: a form submitted without a chosen button decides nothing (SPEC §4).
const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().max(10_000).optional(),
});
// Feedback without deciding (SPEC §8.1): a public comment; an empty one is 400.
const commentBody = z.strictObject({ body: z.string().trim().min(1).max(10_000) });

export function linkRoutes(app: Api, deps: AppDeps): void {
  const tags = ['approval links'];
  /** Every link call: the per-address limit, and answers that neither leak the address nor get cached. */
  const prepare = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = await hit(deps.db, `links:ip:${request.ip}`, deps.rateLimits.approvalLinks);
    if (state.count > deps.rateLimits.approvalLinks.max) {
      throw tooManyRequests(state.retryAfterSeconds, 'Too many link requests from this address');
    }
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
  };

  app.get(
    '/approval-links/:token',
    { config: { public: true }, schema: { tags, params, response: { 200: linkPageSchema } } },
    async (request, reply) => {
      await prepare(request, reply);
      return linkPage(deps, request.params.token, request.principal);
    },
  );

  app.post(
    '/approval-links/:token/decisions',
    {
      config: { public: true },
      schema: { tags, params, body: decisionBody, response: { 200: linkDecisionResult } },
    },
    async (request, reply) => {
      await prepare(request, reply);
      return decideByLink(deps, request.params.token, request.principal, request.body);
    },
  );

  app.post(
    '/approval-links/:token/comments',
    { config: { public: true }, schema: { tags, params, body: commentBody, response: { 201: linkComment } } },
    async (request, reply) => {
      await prepare(request, reply);
      const comment = await commentByLink(deps, request.params.token, request.principal, request.body);
      return reply.code(201).send(comment);
    },
  );

  // SPEC §8.1: the link's person asks the requester side for information; the link stays usable.
  app.post(
    '/approval-links/:token/needs-info',
    {
      config: { public: true },
      schema: {
        tags,
        params,
        body: z.strictObject({ question: infoText }),
        response: { 200: linkPageSchema },
      },
    },
    async (request, reply) => {
      await prepare(request, reply);
      return askForInfoByLink(deps, request.params.token, request.principal, request.body.question);
    },
  );
}
