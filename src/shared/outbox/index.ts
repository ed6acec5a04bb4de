import { randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { PersonRef } from '../vocabulary.js';

/**
 * The outbox: approvals and accounts write one row per email to send, in the transaction of the
 * change that causes it; the mail worker (src/mail) reads the rows, renders and sends them. It lives
 * below both so that neither imports the other to write a row, and it is the one place that knows
 * the row's format (issue 13 item 3: one outbox writer).
 */

/** The emails of SPEC §4, one outbox row per recipient. */
export type ApprovalMailKind =
  | 'approval_requested'
  | 'approval_reminder'
  | 'decision_recorded'
  | 'approval_approved'
  | 'approval_denied'
  | 'approval_canceled'
  | 'approval_expired'
  | 'appeal_requested'
  | 'appeal_decided'
  | 'step_has_no_approvers'
  | 'needs_info'
  | 'info_provided'
  | 'comment_added'
  /**
   * A fresh link to an approver whose emailed reply could not decide (SPEC §8.2: sign-in required and
   * the reply not authenticated as theirs, or a denial without the comment the template requires). Not a
   * reminder: rule 8's limit does not count it.
   */
  | 'approval_link_resent';

/** The emails that let a person into their own account; none of them exists for approvals. */
export type AccountMailKind = 'sign_in_link' | 'password_reset' | 'invitation';

/**
 * The helpdesk's emails of a ticket (SPEC §8.2): a public agent message relayed to the requester and the
 * ticket's contacts, the acknowledgement of a new ticket, and the notices to agents of a new ticket or
 * a customer's reply. Their outbox rows carry `ticketId`.
 */
export type TicketMailKind =
  | 'ticket_message'
  | 'ticket_acknowledged'
  | 'ticket_created_notice'
  | 'customer_replied';

/** Every email: the approval ones, the ticket ones, and the account ones (sign-in link, password reset, invitation). */
export type MailKind = ApprovalMailKind | TicketMailKind | AccountMailKind;

export type OutboxMessage = {
  /** One id per event: with the recipient it makes the stable Message-ID and the de-duplication key. */
  eventId: string;
  kind: MailKind;
  approvalId: string | null;
  /** The ticket of a ticket email (TicketMailKind); absent or null for the others. */
  ticketId?: string | null;
  recipient: PersonRef;
  payload: Record<string, unknown>;
};

/**
 * The one statement that writes outbox rows, returning the id of each row written: run it alone
 * (`enqueue`) or with a transition's other statements in one round trip (`executeAsOne`).
 *
 * The rows travel as one JSON parameter: one INSERT whatever their number, far under the wire
 * protocol's 65,535 parameters, and quicker to bind than a VALUES list on the embedded database.
 * A message already written for the same event and recipient is skipped, so a retried change
 * never sends an email twice. No token is ever stored here: links are minted when the email is
 * rendered.
 */
export function outboxInsert(workspaceId: string, messages: OutboxMessage[]): RawBuilder<{ id: string }> {
  const rows = messages.map((m) => ({
    id: randomUUID(),
    event_id: m.eventId,
    kind: m.kind,
    approval_id: m.approvalId,
    ticket_id: m.ticketId ?? null,
    recipient_type: m.recipient.type,
    recipient_id: m.recipient.id,
    payload: m.payload,
  }));
  return sql<{ id: string }>`
    INSERT INTO outbox (workspace_id, id, event_id, kind, approval_id, ticket_id, recipient_type, recipient_id, payload)
    SELECT ${workspaceId}::uuid, v.id, v.event_id, v.kind, v.approval_id, v.ticket_id, v.recipient_type, v.recipient_id, v.payload
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS v(id uuid, event_id uuid, kind text, approval_id uuid, ticket_id uuid, recipient_type text, recipient_id uuid, payload jsonb)
    ON CONFLICT (workspace_id, event_id, recipient_type, recipient_id) DO NOTHING
    RETURNING id`;
}

/** Writes `messages` in a statement of its own, in the caller's transaction. */
export async function enqueue(db: Db, workspaceId: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await outboxInsert(workspaceId, messages).execute(db);
}
