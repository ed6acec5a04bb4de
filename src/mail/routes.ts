import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/authenticate.js';
import { isUuid } from '../auth/tokens.js';
import { forbidden, notFound } from '../shared/errors.js';
import { decodeCursor, paginationQuery, seqCursor, toPage } from '../shared/http/pagination.js';
import { pageOf, personRefAnswer } from '../shared/http/responses.js';
import { idParams } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { devMailbox } from './transport.js';

/** An email whose last attempt failed: why, and to whom (never its content, which may hold a live link). */
const deadEmailAnswer = z
  .object({
    id: z.string(),
    kind: z.string(),
    approvalId: z.string().nullable(),
    recipient: personRefAnswer,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'DeadEmail' });
const deadEmailPage = pageOf(deadEmailAnswer, 'DeadEmailPage');
const retriedAnswer = z.object({ id: z.string(), status: z.literal('pending') }).meta({ id: 'RetriedEmail' });
const mailboxAnswer = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        messageId: z.string(),
        from: z.string(),
        to: z.object({ name: z.string(), address: z.string() }),
        subject: z.string(),
        text: z.string(),
        html: z.string(),
        receivedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'DevMailbox', description: 'Newest first, at most 500 emails, with their live links.' });

export function mailboxDir(dataDir: string): string {
  return join(dataDir, 'mailbox');
}

export function mailRoutes(app: Api, { db, config }: AppDeps): void {
  const tags = ['email'];

  // Dead letters: emails whose last attempt failed. Admins see why and may send them again.
  app.get(
    '/outbox/dead',
    { schema: { tags, querystring: z.strictObject(paginationQuery), response: { 200: deadEmailPage } } },
    async (request) => {
      const admin = requireAdmin(request);
      const after = decodeCursor(request.query.cursor, seqCursor);
      let q = db
        .selectFrom('outbox')
        .select([
          'id',
          'seq',
          'kind',
          'approval_id',
          'recipient_type',
          'recipient_id',
          'attempts',
          'last_error',
          'created_at',
        ])
        .where('workspace_id', '=', admin.workspaceId)
        .where('status', '=', 'dead');
      if (after) q = q.where('seq', '>', after.s);
      const rows = await q
        .orderBy('seq')
        .limit(request.query.limit + 1)
        .execute();
      return toPage(
        rows,
        request.query.limit,
        (r) => ({
          id: r.id,
          kind: r.kind,
          approvalId: r.approval_id,
          recipient: { type: r.recipient_type, id: r.recipient_id },
          attempts: r.attempts,
          lastError: r.last_error,
          createdAt: r.created_at,
        }),
        (r) => ({ s: r.seq }),
      );
    },
  );

  app.post(
    '/outbox/:id/retry',
    { schema: { tags, params: idParams, response: { 200: retriedAnswer } } },
    async (request) => {
      const admin = requireAdmin(request);
      if (!isUuid(request.params.id)) throw notFound('Dead email');
      const row = await db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: new Date(), locked_until: null })
        .where('workspace_id', '=', admin.workspaceId)
        .where('id', '=', request.params.id)
        .where('status', '=', 'dead')
        .returning(['id'])
        .executeTakeFirst();
      if (!row) throw notFound('Dead email');
      return { id: row.id, status: 'pending' as const };
    },
  );

  // The developer's inbox, present exactly when no SMTP server is configured (SPEC §7). It holds
  // every email with its live links, so only the developer's own machine reads it (issue 12).
  if (!config.smtpUrl) {
    app.get(
      '/dev/mailbox',
      { config: { public: true }, schema: { tags, response: { 200: mailboxAnswer } } },
      async (request) => {
        if (!config.devMailboxPublic && !isFromThisMachine(request)) {
          throw forbidden(
            'dev_mailbox_local_only',
            'The dev mailbox answers only requests from this machine (127.0.0.1 or ::1); set DEV_MAILBOX_PUBLIC=1 to open it',
          );
        }
        return { items: devMailbox(mailboxDir(config.dataDir)) };
      },
    );
  }
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * The connection comes from a loopback address and not through a proxy: a
 * reverse proxy on the same machine connects from 127.0.0.1 on behalf of
 * anyone, and says so in Forwarded / X-Forwarded-For.
 */
export function isFromThisMachine(request: FastifyRequest): boolean {
  if (request.headers.forwarded !== undefined || request.headers['x-forwarded-for'] !== undefined)
    return false;
  return LOOPBACK.test(request.socket.remoteAddress ?? '');
}
