import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';
import { requireAdmin } from '../auth/authenticate.js';
import { isUuid } from '../auth/tokens.js';
import { receiveInbound } from '../inbound/receive.js';
import { workspaceAddress } from '../shared/email/addresses.js';
import type { DnsResolver } from '../shared/email/dns.js';
import { forbidden, notFound } from '../shared/errors.js';
import { decodeCursor, paginationQuery, seqCursor, toPage } from '../shared/http/pagination.js';
import { pageOf, personRefAnswer } from '../shared/http/responses.js';
import { idParams, personName } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { devMailbox, recordInMailbox } from './transport.js';

/** An email whose last attempt failed: why, and to whom (never its content, which may hold a live link). */
const deadEmailAnswer = z
  .object({
    id: z.string(),
    kind: z.string(),
    approvalId: z.string().nullable(),
    recipient: personRefAnswer.extend({
      name: z.string().nullable().describe('The person now (null when they were deleted).'),
      email: z.string().nullable(),
    }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'DeadEmail' });
const deadEmailPage = pageOf(deadEmailAnswer, 'DeadEmailPage');
const retriedAnswer = z.object({ id: z.string(), status: z.literal('pending') }).meta({ id: 'RetriedEmail' });
const inboundOutcome = z.enum(['ticket_created', 'reply_added', 'approval_reply', 'duplicate', 'dropped']);
const mailboxAnswer = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        direction: z
          .enum(['inbound', 'outbound'])
          .describe(
            'outbound: sent by Signoff; inbound: sent in from this page (POST /dev/mailbox/inbound).',
          ),
        messageId: z.string(),
        from: z.string(),
        to: z.object({ name: z.string(), address: z.string() }),
        subject: z.string(),
        text: z.string(),
        html: z.string(),
        receivedAt: z.string(),
        replyTo: z.string().nullable().describe('Where a reply goes (the ticket or approver reply address).'),
        inReplyTo: z.string().nullable(),
        references: z.array(z.string()),
        outcome: inboundOutcome.nullable().describe('An inbound email: what Signoff made of it.'),
        ticketId: z.string().nullable(),
      }),
    ),
    addresses: z
      .array(z.object({ workspace: z.string(), address: z.string() }))
      .describe('Every workspace’s inbound address, to send a new email to.'),
  })
  .meta({
    id: 'DevMailbox',
    description: 'Newest first, at most 500 emails (sent and sent in), with their live links.',
  });

/** One line of a header: no CR or LF, so that a field never adds a header of its own. */
const headerLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !/[\r\n]/.test(v), 'one line');
const messageIdSchema = headerLine(998).regex(/^<[^<>\s]+@[^<>\s]+>$/, 'a Message-ID: <local@domain>');

/**
 * An address as a mail client takes it: `local@domain`, kept as typed (a reply token is case-sensitive)
 * and without the TLD a stricter check would want (`demo@localhost`, `slug@127.0.0.1` are real here).
 */
const mailAddress = headerLine(320).regex(
  /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/,
  'an address: local@domain',
);

const devInboundBody = z
  .strictObject({
    from: mailAddress,
    fromName: personName.optional(),
    to: mailAddress.describe('A workspace address ({slug}@{INBOUND_DOMAIN}) or a reply address.'),
    subject: headerLine(200).pipe(z.string().min(1)),
    text: z.string().min(1).max(100_000),
    inReplyTo: messageIdSchema.optional().describe('The Message-ID answered: the email threads as a reply.'),
  })
  .meta({ id: 'DevInboundEmail' });
const devInboundAnswer = z
  .object({ outcome: inboundOutcome, ticketId: z.string().nullable(), messageId: z.string() })
  .meta({ id: 'DevInboundResult' });

export function mailboxDir(dataDir: string): string {
  return join(dataDir, 'mailbox');
}

export function mailRoutes(app: Api, deps: AppDeps): void {
  const { db, config } = deps;
  const tags = ['email'];

  // Dead letters: emails whose last attempt failed. Admins see why and may send them again.
  app.get(
    '/outbox/dead',
    { schema: { tags, querystring: z.strictObject(paginationQuery), response: { 200: deadEmailPage } } },
    async (request) => {
      const admin = requireAdmin(request);
      const after = decodeCursor(request.query.cursor, seqCursor);
      // The recipient's name and address, for the admin page of failed emails (issue 15).
      let q = db
        .selectFrom('outbox as o')
        .leftJoin('members as m', (j) =>
          j
            .onRef('m.workspace_id', '=', 'o.workspace_id')
            .onRef('m.id', '=', 'o.recipient_id')
            .on('o.recipient_type', '=', 'member'),
        )
        .leftJoin('contacts as c', (j) =>
          j
            .onRef('c.workspace_id', '=', 'o.workspace_id')
            .onRef('c.id', '=', 'o.recipient_id')
            .on('o.recipient_type', '=', 'contact'),
        )
        .select([
          'o.id',
          'o.seq',
          'o.kind',
          'o.approval_id',
          'o.recipient_type',
          'o.recipient_id',
          'o.attempts',
          'o.last_error',
          'o.created_at',
          'm.name as member_name',
          'm.email as member_email',
          'c.name as contact_name',
          'c.email as contact_email',
        ])
        .where('o.workspace_id', '=', admin.workspaceId)
        .where('o.status', '=', 'dead');
      if (after) q = q.where('o.seq', '>', after.s);
      const rows = await q
        .orderBy('o.seq')
        .limit(request.query.limit + 1)
        .execute();
      return toPage(
        rows,
        request.query.limit,
        (r) => ({
          id: r.id,
          kind: r.kind,
          approvalId: r.approval_id,
          recipient: {
            type: r.recipient_type,
            id: r.recipient_id,
            name: r.member_name ?? r.contact_name ?? null,
            email: r.member_email ?? r.contact_email ?? null,
          },
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
    const onlyThisMachine = (request: FastifyRequest) => {
      if (!config.devMailboxPublic && !isFromThisMachine(request)) {
        throw forbidden(
          'dev_mailbox_local_only',
          'The dev mailbox answers only requests from this machine (127.0.0.1 or ::1); set DEV_MAILBOX_PUBLIC=1 to open it',
        );
      }
    };
    app.get(
      '/dev/mailbox',
      { config: { public: true }, schema: { tags, response: { 200: mailboxAnswer } } },
      async (request) => {
        onlyThisMachine(request);
        const workspaces = await db
          .selectFrom('workspaces')
          .select(['name', 'slug'])
          .orderBy('created_at')
          .limit(100)
          .execute();
        return {
          items: devMailbox(mailboxDir(config.dataDir)).map((e) => ({
            ...e,
            direction: e.direction ?? ('outbound' as const),
            replyTo: e.replyTo ?? null,
            inReplyTo: e.inReplyTo ?? null,
            references: e.references ?? [],
            outcome: inboundOutcome.safeParse(e.outcome).data ?? null,
            ticketId: e.ticketId ?? null,
          })),
          addresses: workspaces.map((w) => ({
            workspace: w.name,
            address: workspaceAddress(w.slug, config.inbound.domain),
          })),
        };
      },
    );

    // A developer "sends" an email into the product (SPEC §8.2, issue 14): composed as a mail client
    // would, then handed to the same pipeline as both doors. JSON only, so a page of another site
    // cannot post here without a preflight the server never grants.
    app.post(
      '/dev/mailbox/inbound',
      {
        config: { public: true },
        schema: { tags, body: devInboundBody, response: { 202: devInboundAnswer } },
      },
      async (request, reply) => {
        onlyThisMachine(request);
        const b = request.body;
        const messageId = `<${randomUUID()}@dev-mailbox.signoff>`;
        const raw = await new MailComposer({
          from: b.fromName ? { name: b.fromName, address: b.from } : b.from,
          to: b.to,
          subject: b.subject,
          text: b.text,
          messageId,
          ...(b.inReplyTo ? { inReplyTo: b.inReplyTo, references: [b.inReplyTo] } : {}),
        })
          .compile()
          .build();
        const result = await receiveInbound({ ...deps, dnsResolver: noDns }, raw, {
          via: 'dev',
          mailFrom: b.from,
          rcptTo: [b.to],
        });
        recordInMailbox(mailboxDir(config.dataDir), {
          direction: 'inbound',
          messageId,
          from: b.fromName ? `${b.fromName} <${b.from}>` : b.from,
          to: { name: '', address: b.to },
          subject: b.subject,
          text: b.text,
          html: '',
          ...(b.inReplyTo ? { inReplyTo: b.inReplyTo, references: [b.inReplyTo] } : {}),
          outcome: result.outcome,
          ticketId: result.ticketId,
        });
        return reply.code(202).send({ outcome: result.outcome, ticketId: result.ticketId, messageId });
      },
    );
  }
}

/**
 * The dev mailbox's emails come from no domain at all: SPF, DKIM and DMARC are `none` at once instead of
 * waiting on lookups a developer's machine may not be able to make. So a reply sent from here is, to
 * reply-to-approve, an unauthenticated one (SPEC §8.2) — as a forged email would be.
 */
const noDns: DnsResolver = async (name) => {
  throw Object.assign(new Error(`dev mailbox: no DNS lookup of ${name}`), { code: 'ENOTFOUND' });
};

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
