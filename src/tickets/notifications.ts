import type { Db } from '../shared/db/connect.js';
import { enqueue, type OutboxMessage, type TicketMailKind } from '../shared/outbox/index.js';
import type { PersonRef } from '../shared/vocabulary.js';
import { getWorkspace } from '../workspaces/repo.js';

/**
 * The helpdesk's emails of a ticket (SPEC §8.2 "Helpdesk notifications"), written to the outbox in the
 * transaction of the ticket change that causes them (createTicket, addMessage), so a ticket made or a
 * message added is never without its emails, and a rolled-back change never sends one.
 *
 * Each row's event is the ticket message that caused it: with the recipient it makes the email's stable
 * Message-ID, and a retried change writes nothing twice (the outbox skips an event and recipient it has).
 * The payload carries `ticketId` and `messageId`; the email is composed from the rows at delivery
 * (src/mail/ticket-emails.ts), so it shows names and subject as they are then.
 */

type Origin = { channel: 'web' } | { channel: 'email'; inboundMessageId: string; autoSubmitted: boolean };

type Which = 'notify_new_tickets' | 'notify_customer_replies';

/**
 * The agents told of a new ticket or a customer's reply: the assignee, or every active member when nobody
 * is assigned (SPEC §8.6 "every agent" means every active member), never the author, never a deactivated
 * member, never one whose profile switch for this kind is off.
 */
async function agentsToTell(
  db: Db,
  workspaceId: string,
  assigneeId: string | null,
  author: PersonRef,
  which: Which,
): Promise<string[]> {
  let q = db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('active', '=', true)
    .where(which, '=', true);
  if (assigneeId) q = q.where('id', '=', assigneeId);
  if (author.type === 'member') q = q.where('id', '!=', author.id);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => r.id);
}

function rows(
  kind: TicketMailKind,
  ticketId: string,
  messageId: string,
  recipients: PersonRef[],
): OutboxMessage[] {
  return recipients.map((recipient) => ({
    eventId: messageId,
    kind,
    approvalId: null,
    ticketId,
    recipient,
    payload: { ticketId, messageId },
  }));
}

/**
 * A new ticket: the acknowledgement to its requester, and the notice to the agents.
 *
 * Acknowledged whoever opened it, an agent for a contact included: the customer learns the ticket's number
 * and that replying to the email adds to it. Never in answer to an automatic email (RFC 3834), and not
 * when the workspace turned `acknowledgeNewTickets` off.
 */
export async function notifyTicketCreated(
  db: Db,
  workspaceId: string,
  ticket: { id: string; requesterId: string; assigneeId: string | null },
  firstMessageId: string,
  author: PersonRef,
  origin: Origin,
): Promise<void> {
  const { settings } = await getWorkspace(db, workspaceId);
  const acknowledge = settings.acknowledgeNewTickets && !(origin.channel === 'email' && origin.autoSubmitted);
  const agents = await agentsToTell(db, workspaceId, ticket.assigneeId, author, 'notify_new_tickets');
  await enqueue(db, workspaceId, [
    ...(acknowledge
      ? rows('ticket_acknowledged', ticket.id, firstMessageId, [{ type: 'contact', id: ticket.requesterId }])
      : []),
    ...rows(
      'ticket_created_notice',
      ticket.id,
      firstMessageId,
      agents.map((id) => ({ type: 'member', id })),
    ),
  ]);
}

/**
 * A message added: an agent's public message goes to the requester and every contact of the ticket; a
 * customer's (contact's) public reply goes to the agents. Internal notes email nobody.
 */
export async function notifyMessageAdded(
  db: Db,
  workspaceId: string,
  ticketId: string,
  messageId: string,
  author: PersonRef,
  isPublic: boolean,
): Promise<void> {
  if (!isPublic) return;
  const ticket = await db
    .selectFrom('tickets')
    .select(['requester_id', 'assignee_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  if (author.type === 'member') {
    const contacts = await db
      .selectFrom('ticket_contacts')
      .select('contact_id')
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .execute();
    const ids = [...new Set([ticket.requester_id, ...contacts.map((c) => c.contact_id)])];
    await enqueue(
      db,
      workspaceId,
      rows(
        'ticket_message',
        ticketId,
        messageId,
        ids.map((id) => ({ type: 'contact', id })),
      ),
    );
    return;
  }
  const agents = await agentsToTell(db, workspaceId, ticket.assignee_id, author, 'notify_customer_replies');
  await enqueue(
    db,
    workspaceId,
    rows(
      'customer_replied',
      ticketId,
      messageId,
      agents.map((id) => ({ type: 'member', id })),
    ),
  );
}
