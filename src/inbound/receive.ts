import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { receiveApprovalReply } from '../approvals/email-replies/receive-reply.js';
import { type Db, inTransaction } from '../shared/db/connect.js';
import { parseInboundAddress } from '../shared/email/addresses.js';
import type { DnsResolver } from '../shared/email/dns.js';
import type { InboundMessage } from '../shared/email/inbound-message.js';
import { problem } from '../shared/errors.js';
import type { AppDeps } from '../shared/http/types.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { addMessage, createTicket } from '../tickets/repo.js';
import { authenticateMessage } from './authenticate.js';
import type { InboundEnvelope, InboundVia } from './envelope.js';
import { parseInbound } from './parse.js';
import { findOrCreateContact, findSender, mayWriteInto } from './sender.js';
import { type ThreadTicket, ticketByReplyToken, ticketByThread } from './thread.js';
import { findWorkspaceAddress, type WorkspaceAddress } from './workspace-address.js';

export type { InboundEnvelope, InboundVia } from './envelope.js';

export type InboundOutcome = {
  outcome: 'ticket_created' | 'reply_added' | 'approval_reply' | 'duplicate' | 'dropped';
  workspaceId: string | null;
  ticketId: string | null;
  approvalId: string | null;
  /** Why a message was dropped (unknown sender refused, sender over its limit…). */
  reason?: string;
};

/** A logger for the lines the pipeline writes (pino's and Fastify's fit). */
export type InboundLog = { info(obj: object, msg?: string): void };

export type InboundDeps = Pick<AppDeps, 'db' | 'config' | 'now'> & {
  /** DNS for SPF/DKIM/DMARC; node's resolver with a short timeout when absent. */
  dnsResolver?: DnsResolver | undefined;
  log?: InboundLog | undefined;
};

/** SPEC §8.2: at most this many new tickets an hour from one sender in one workspace. */
export const TICKETS_PER_SENDER_PER_HOUR = 20;

/** Longest subject a ticket takes (the API's limit). */
const SUBJECT_MAX = 200;
/** Longest message body a ticket message takes from an email; the whole text stays in the raw original. */
const BODY_MAX = 100_000;

/**
 * Takes one raw message in: checks and parses it, finds the workspace among its recipients, authenticates
 * it, then in ONE transaction records it (`inbound_messages`, unique per workspace and Message-ID: a
 * second delivery is a `duplicate` and writes nothing else) and applies it: an approval reply, a reply on
 * a ticket, a new ticket, or a drop. A database error leaves nothing, so a retried delivery is taken once.
 * Throws `message_too_large`, `malformed_message`, `no_workspace_address` (nothing written).
 */
export async function receiveInbound(
  deps: InboundDeps,
  raw: Buffer,
  envelope: InboundEnvelope,
): Promise<InboundOutcome> {
  const parsed = await parseInbound(raw, envelope.rcptTo ?? []);
  const { domain } = deps.config.inbound;
  const target = await findWorkspaceAddress(deps.db, domain, parsed.recipients);
  if (!target) throw problem('no_workspace_address', 'None of the recipients is a workspace address');
  const auth = await authenticateMessage(raw, envelope, parsed.from.address, {
    resolver: deps.dnsResolver,
    mta: domain,
  });
  const message: InboundMessage = {
    messageId: parsed.messageId,
    from: parsed.from,
    subject: parsed.subject,
    text: parsed.text,
    reply: parsed.reply,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    // Mail from any of our own addresses is a loop in the making (RFC 3834).
    autoSubmitted: parsed.autoSubmittedHeaders || parseInboundAddress(parsed.from.address, domain) !== null,
    auth,
    attachments: parsed.attachments,
  };
  return inTransaction(deps.db, (tx) =>
    apply({ ...deps, db: tx }, target, message, {
      raw,
      via: envelope.via,
      recipients: parsed.recipients,
    }),
  );
}

async function apply(
  deps: InboundDeps,
  target: WorkspaceAddress,
  message: InboundMessage,
  original: { raw: Buffer; via: InboundVia; recipients: string[] },
): Promise<InboundOutcome> {
  const { db } = deps;
  const workspaceId = target.workspaceId;
  const inboundId = randomUUID();
  const inserted = await sql<{ id: string }>`
    INSERT INTO inbound_messages (workspace_id, id, message_id, via, from_address, subject, recipients, auth,
      auto_submitted, outcome, size_bytes, raw)
    VALUES (${workspaceId}, ${inboundId}, ${message.messageId}, ${original.via}, ${message.from.address},
      ${message.subject}, ${JSON.stringify(original.recipients)}::jsonb, ${JSON.stringify(message.auth)}::jsonb,
      ${message.autoSubmitted}, 'received', ${original.raw.length}, ${original.raw})
    ON CONFLICT (workspace_id, message_id) DO NOTHING
    RETURNING id`.execute(db);
  if (inserted.rows.length === 0) {
    return { outcome: 'duplicate', workspaceId, ticketId: null, approvalId: null };
  }
  const outcome = await route(deps, target, message, inboundId);
  await db
    .updateTable('inbound_messages')
    .set({
      outcome: outcome.outcome,
      ticket_id: outcome.ticketId,
      approval_id: outcome.approvalId,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', inboundId)
    .execute();
  if (outcome.outcome === 'dropped') {
    deps.log?.info(
      { workspaceId, inboundMessageId: inboundId, from: message.from.address, reason: outcome.reason },
      'inbound message dropped',
    );
  }
  return outcome;
}

async function route(
  deps: InboundDeps,
  target: WorkspaceAddress,
  message: InboundMessage,
  inboundId: string,
): Promise<InboundOutcome> {
  const { db } = deps;
  const workspaceId = target.workspaceId;
  if (target.address.kind === 'approval') {
    const result = await receiveApprovalReply(deps, {
      workspaceId,
      token: target.address.token,
      message,
      inboundMessageId: inboundId,
    });
    return {
      outcome: 'approval_reply',
      workspaceId,
      ticketId: result.ticketId,
      approvalId: result.approvalId,
    };
  }
  const sender = await findSender(db, workspaceId, message.from.address);
  const ticket: ThreadTicket | null =
    target.address.kind === 'ticket'
      ? ((await ticketByReplyToken(db, workspaceId, target.address.token)) ??
        (await ticketByThread(db, workspaceId, message.inReplyTo, message.references)))
      : await ticketByThread(db, workspaceId, message.inReplyTo, message.references);
  const origin = {
    channel: 'email' as const,
    inboundMessageId: inboundId,
    autoSubmitted: message.autoSubmitted,
  };

  // A reply: into the ticket only for someone who may write there (a member answers publicly by email).
  if (ticket && sender.type !== 'unknown' && (await mayWriteInto(db, workspaceId, ticket, sender))) {
    const id = randomUUID();
    await addMessage(db, sender, workspaceId, ticket.id, {
      body: bodyOf(message),
      public: true,
      origin,
      id,
    });
    await storeAttachments(db, workspaceId, ticket.id, id, message);
    return { outcome: 'reply_added', workspaceId, ticketId: ticket.id, approvalId: null };
  }

  // Otherwise a new ticket, from this sender (a stranger's reply does not enter someone else's ticket).
  if (sender.type === 'unknown' && !target.settings.acceptMailFromUnknownSenders) {
    return { outcome: 'dropped', workspaceId, ticketId: null, approvalId: null, reason: 'unknown_sender' };
  }
  if (await overTicketLimit(db, workspaceId, message.from.address)) {
    return {
      outcome: 'dropped',
      workspaceId,
      ticketId: null,
      approvalId: null,
      reason: 'sender_rate_limited',
    };
  }
  // A member writing to the workspace address opens a ticket for themselves as a customer would: the
  // requester is always a contact (the one of their address), the first message is the member's.
  const requesterId =
    sender.type === 'contact' ? sender.id : await findOrCreateContact(db, workspaceId, message.from);
  const author: PersonRef =
    sender.type === 'member' ? { type: 'member', id: sender.id } : { type: 'contact', id: requesterId };
  const firstMessageId = randomUUID();
  const created = await createTicket(db, author, workspaceId, {
    subject: subjectOf(message),
    body: bodyOf(message),
    requesterId,
    contactIds: [],
    assigneeId: null,
    origin,
    firstMessageId,
    emailThreadId: `<${message.messageId}>`,
  });
  await storeAttachments(db, workspaceId, created.id, firstMessageId, message);
  return { outcome: 'ticket_created', workspaceId, ticketId: created.id, approvalId: null };
}

/**
 * SPEC §8.2: at most 20 new tickets an hour from one sender per workspace, counted over the messages
 * that made a ticket (replies are not counted). Counted in the transaction, over rows it can see.
 */
async function overTicketLimit(db: Db, workspaceId: string, address: string): Promise<boolean> {
  const row = await db
    .selectFrom('inbound_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('from_address', '=', address)
    .where('outcome', '=', 'ticket_created')
    // The database's clock, which wrote created_at.
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow();
  return Number(row.n) >= TICKETS_PER_SENDER_PER_HOUR;
}

function subjectOf(message: InboundMessage): string {
  const subject = message.subject.replace(/\s+/g, ' ').trim();
  return (subject || '(no subject)').slice(0, SUBJECT_MAX);
}

function bodyOf(message: InboundMessage): string {
  const body = message.reply || message.text;
  if (body) return body.slice(0, BODY_MAX);
  return message.attachments.length > 0 ? '(attachments only)' : '(empty message)';
}

async function storeAttachments(
  db: Db,
  workspaceId: string,
  ticketId: string,
  messageId: string,
  message: InboundMessage,
): Promise<void> {
  for (const [i, a] of message.attachments.entries()) {
    await db
      .insertInto('ticket_attachments')
      .values({
        workspace_id: workspaceId,
        id: randomUUID(),
        ticket_id: ticketId,
        message_id: messageId,
        filename: a.filename.slice(0, 255),
        content_type: a.contentType.slice(0, 255),
        size_bytes: a.size,
        content: a.content,
        // Listed by (created_at, id): a microsecond apart each, they keep the email's order.
        created_at: sql<Date>`now() + ${i} * interval '1 microsecond'`,
      })
      .execute();
  }
}
