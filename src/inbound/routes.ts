import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { bearerToken } from '../auth/authenticate.js';
import { notFound, unauthorized } from '../shared/errors.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { receiveInbound } from './receive.js';

/** The door's own body limit: a little over the largest message taken (25 MiB), so that size is ours to refuse. */
export const INBOUND_BODY_LIMIT = 26 * 1024 * 1024;

export const inboundAnswer = z
  .object({
    outcome: z
      .enum(['ticket_created', 'reply_added', 'approval_reply', 'duplicate', 'dropped'])
      .describe(
        'What became of the message; `duplicate`: this Message-ID was taken before, nothing changed.',
      ),
    ticketId: z.uuid().nullable().describe('The ticket the message made or joined, if any.'),
  })
  .meta({ id: 'InboundResult' });

const rawMessage = z
  .custom<Buffer | undefined>((v) => v === undefined || Buffer.isBuffer(v))
  .meta({ type: 'string', format: 'binary', description: 'The raw RFC 5322 message (message/rfc822).' });

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * SPEC §8.2/§8.6: `Authorization: Bearer <INBOUND_SECRET>`, compared in constant time (on digests, so the
 * length does not leak either). 404 while no secret is configured: the door does not exist.
 */
function checkSecret(secret: string | null, request: FastifyRequest): void {
  if (!secret) throw notFound('Route');
  const given = bearerToken(request);
  if (!given || !timingSafeEqual(digest(given), digest(secret)))
    throw unauthorized('Send Authorization: Bearer <INBOUND_SECRET>');
}

/** The HTTP door of inbound mail (SPEC §8.2), for providers that post the messages they receive. */
export function inboundRoutes(app: Api, deps: AppDeps): void {
  // In a scope of its own: the message/rfc822 parser (and its larger body limit) serves this route only.
  app.register(async (scope) => {
    scope.addContentTypeParser('message/rfc822', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/inbound/email',
      {
        config: { public: true },
        bodyLimit: INBOUND_BODY_LIMIT,
        // Before the body is read: a caller without the secret cannot make the server take 26 MiB.
        onRequest: async (request) => checkSecret(deps.config.inbound.secret, request),
        schema: {
          tags: ['inbound'],
          summary: 'Take in one email (raw RFC 5322, message/rfc822) posted by a mail provider',
          consumes: ['message/rfc822'],
          body: rawMessage,
          response: { 202: inboundAnswer },
        },
      },
      async (request, reply) => {
        const raw: Buffer = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await receiveInbound({ ...deps, log: request.log }, raw, {
          via: 'http',
          remoteAddress: null,
        });
        return reply.code(202).send({ outcome: result.outcome, ticketId: result.ticketId });
      },
    );
  });
}
