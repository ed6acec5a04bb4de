import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';

export type ThreadTicket = { id: string; requesterId: string };

/** The ticket whose per-ticket reply address carries this token (`{slug}+t{token}@…`). */
export async function ticketByReplyToken(
  db: Db,
  workspaceId: string,
  token: string,
): Promise<ThreadTicket | null> {
  const row = await db
    .selectFrom('tickets')
    .select(['id', 'requester_id'])
    .where('workspace_id', '=', workspaceId)
    .where('reply_token', '=', token)
    .executeTakeFirst();
  return row ? { id: row.id, requesterId: row.requester_id } : null;
}

/**
 * The ticket a reply belongs to, from its `In-Reply-To` then `References` (the latest first): a Message-ID
 * Signoff sent (`outbox.message_id`, kept with angle brackets), one it received that became part of a
 * ticket (`inbound_messages.message_id`, kept without), or a ticket's thread id (with brackets).
 */
export async function ticketByThread(
  db: Db,
  workspaceId: string,
  inReplyTo: string | null,
  references: string[],
): Promise<ThreadTicket | null> {
  const ids = [...new Set([...(inReplyTo ? [inReplyTo] : []), ...[...references].reverse()])].slice(0, 50);
  if (ids.length === 0) return null;
  const bracketed = ids.map((id) => `<${id}>`);
  const { rows } = await sql<{ message_id: string; ticket_id: string }>`
    SELECT o.message_id, o.ticket_id FROM outbox o
      WHERE o.workspace_id = ${workspaceId} AND o.message_id IN (${sql.join(bracketed)}) AND o.ticket_id IS NOT NULL
    UNION ALL
    SELECT '<' || i.message_id || '>', i.ticket_id FROM inbound_messages i
      WHERE i.workspace_id = ${workspaceId} AND i.message_id IN (${sql.join(ids)}) AND i.ticket_id IS NOT NULL
        AND i.outcome IN ('ticket_created', 'reply_added')
    UNION ALL
    SELECT t.email_thread_id, t.id FROM tickets t
      WHERE t.workspace_id = ${workspaceId} AND t.email_thread_id IN (${sql.join(bracketed)})`.execute(db);
  for (const id of bracketed) {
    const hit = rows.find((r) => r.message_id === id);
    if (!hit) continue;
    const ticket = await db
      .selectFrom('tickets')
      .select(['id', 'requester_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', hit.ticket_id)
      .executeTakeFirst();
    if (ticket) return { id: ticket.id, requesterId: ticket.requester_id };
  }
  return null;
}
