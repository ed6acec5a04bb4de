import { loadPeople, personKey } from '../people/repo.js';
import type { Db } from '../shared/db/connect.js';
import { ticketReplyAddress } from '../shared/email/addresses.js';
import type { TicketMailKind } from '../shared/outbox/index.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { getWorkspace } from '../workspaces/repo.js';
import { displayName } from './render/account.js';
import { MAX_HISTORY, renderTicketEmail } from './render/ticket.js';
import type { OutgoingEmail } from './transport.js';
import type { OutboxRow } from './worker.js';

export const TICKET_MAIL_KINDS = new Set<string>([
  'ticket_message',
  'ticket_acknowledged',
  'ticket_created_notice',
  'customer_replied',
]);

/** A Message-ID as a header may carry it: `<left@right>`, nothing else (no header injection). */
const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

/** A Message-ID stored without its angle brackets gets them; anything that is not one is dropped. */
export function asMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  const bracketed = v.startsWith('<') ? v : `<${v}>`;
  return MESSAGE_ID.test(bracketed) ? bracketed : null;
}

/** The domain of the worker's Message-IDs (src/mail/worker.ts messageIdOf), read back from the one it gave. */
function domainOf(messageId: string): string {
  return messageId.slice(messageId.lastIndexOf('@') + 1, -1) || 'signoff.local';
}

/**
 * The ticket's thread root, which every email of the ticket answers (`In-Reply-To`): the Message-ID of the
 * email it came from, else a stable one Signoff makes for it, `<ticket.{id}@{domain}>` (no email carries
 * it; it only ties the ticket's emails together in mail clients).
 */
export function threadRoot(ticket: { id: string; email_thread_id: string | null }, domain: string): string {
  return asMessageId(ticket.email_thread_id) ?? `<ticket.${ticket.id}@${domain}>`;
}

async function loadTicket(db: Db, ws: string, ticketId: string) {
  return db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'requester_id', 'reply_token', 'email_thread_id'])
    .where('workspace_id', '=', ws)
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
}

/**
 * Composes a helpdesk email of a ticket from its outbox row (SPEC §8.2): threaded under the ticket's root,
 * `[#number]` in the subject, `Reply-To` the ticket's reply address, `Auto-Submitted` on everything but
 * an agent's own words relayed to the customer.
 */
export async function ticketEmail(
  db: Db,
  row: OutboxRow,
  messageId: string,
  options: { publicUrl: string; mailFrom: string; inboundDomain: string },
  cache: Map<string, unknown>,
): Promise<OutgoingEmail> {
  const ws = row.workspace_id;
  const kind = row.kind as TicketMailKind;
  const payload = row.payload as { ticketId?: string; messageId?: string };
  if (!payload.ticketId || !payload.messageId) throw new Error(`outbox row ${row.id} has no ticket message`);
  const recipient: PersonRef = { type: row.recipient_type, id: row.recipient_id };

  // The rows of one event (every agent told of one reply) share what they load.
  const key = `ticket:${ws}:${payload.messageId}`;
  let loaded = cache.get(key) as ReturnType<typeof loadContext> | undefined;
  if (!loaded) {
    loaded = loadContext(db, ws, payload.ticketId, payload.messageId);
    cache.set(key, loaded);
  }
  const { workspace, ticket, message, answered, history, people: known } = await loaded;
  const people = new Map(known);
  if (!people.has(personKey(recipient))) {
    for (const [k, v] of await loadPeople(db, ws, [recipient])) people.set(k, v);
  }
  const to = people.get(personKey(recipient));
  if (!to) throw new Error(`recipient ${personKey(recipient)} not found`);
  const name = (p: PersonRef) => people.get(personKey(p))?.name ?? '';
  const locale = to.locale ?? workspace.settings.defaultLocale;
  const author: PersonRef = { type: message.author_type, id: message.author_id };
  const rendered = renderTicketEmail({
    kind,
    locale,
    workspaceName: workspace.name,
    recipientName: to.name,
    ticket: {
      number: ticket.number,
      subject: ticket.subject,
      requesterName: name({ type: 'contact', id: ticket.requester_id }),
    },
    message: {
      authorName: name(author),
      body: message.body,
      byRequester: author.type === 'contact' && author.id === ticket.requester_id,
    },
    history: history.map((m) => ({
      authorName: name({ type: m.author_type, id: m.author_id }),
      body: m.body,
      createdAt: m.created_at,
    })),
    viewUrl:
      recipient.type === 'member'
        ? `${options.publicUrl}/tickets/${ticket.id}`
        : `${options.publicUrl}/portal/tickets/${ticket.id}`,
    answersEmail: kind === 'ticket_acknowledged' && message.channel === 'email',
  });
  const root = threadRoot(ticket, domainOf(messageId));
  // References: the root, then the email this message came in as (a customer's emailed reply), if any.
  const references = [root, ...(answered && answered !== root ? [answered] : [])];
  return {
    from: options.mailFrom,
    to: { name: displayName(to.name), address: to.email },
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId,
    locale,
    replyTo: ticketReplyAddress(workspace.slug, ticket.reply_token, options.inboundDomain),
    inReplyTo: root,
    references,
    // SPEC §8.6: the agent's own words relayed carry no Auto-Submitted; an acknowledgement answering an
    // email is `auto-replied` (RFC 3834 §5), every other notice `auto-generated`.
    autoSubmitted:
      kind === 'ticket_message'
        ? null
        : kind === 'ticket_acknowledged' && message.channel === 'email'
          ? 'auto-replied'
          : 'auto-generated',
  };
}

async function loadContext(db: Db, ws: string, ticketId: string, messageId: string) {
  const [workspace, ticket, message] = await Promise.all([
    getWorkspace(db, ws),
    loadTicket(db, ws, ticketId),
    db
      .selectFrom('ticket_messages')
      .select(['id', 'seq', 'author_type', 'author_id', 'body', 'channel', 'inbound_message_id'])
      .where('workspace_id', '=', ws)
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow(),
  ]);
  const [inbound, history] = await Promise.all([
    message.inbound_message_id
      ? db
          .selectFrom('inbound_messages')
          .select('message_id')
          .where('workspace_id', '=', ws)
          .where('id', '=', message.inbound_message_id)
          .executeTakeFirst()
      : undefined,
    // The public messages before this one: what the email quotes under "Earlier in this conversation".
    db
      .selectFrom('ticket_messages')
      .select(['author_type', 'author_id', 'body', 'created_at'])
      .where('workspace_id', '=', ws)
      .where('ticket_id', '=', ticketId)
      .where('public', '=', true)
      .where('seq', '<', message.seq)
      .orderBy('seq', 'desc')
      .limit(MAX_HISTORY)
      .execute(),
  ]);
  const refs: PersonRef[] = [
    { type: 'contact', id: ticket.requester_id },
    { type: message.author_type, id: message.author_id },
    ...history.map((m) => ({ type: m.author_type, id: m.author_id })),
  ];
  return {
    workspace,
    ticket,
    message,
    /** The Message-ID of the email this message came as, when it came by email. */
    answered: asMessageId(inbound?.message_id),
    history,
    people: await loadPeople(db, ws, refs),
  };
}
