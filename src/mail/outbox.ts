import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AccountMailKind } from '../auth/accounts.js';
import type { Db } from '../shared/db/connect.js';
import type { PersonRef } from '../shared/vocabulary.js';

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
  | 'comment_added';

/** Every email: the approval ones, and the account ones (sign-in link, password reset, invitation). */
export type MailKind = ApprovalMailKind | AccountMailKind;

export type OutboxMessage = {
  /** One id per event: with the recipient it makes the stable Message-ID and the de-duplication key. */
  eventId: string;
  kind: MailKind;
  approvalId: string | null;
  recipient: PersonRef;
  payload: Record<string, unknown>;
};

/** An outbox row's columns but the workspace and the payload, with a fresh id: shared by both INSERTs. */
export function outboxRow(m: OutboxMessage) {
  return {
    id: randomUUID(),
    event_id: m.eventId,
    kind: m.kind,
    approval_id: m.approvalId,
    recipient_type: m.recipient.type,
    recipient_id: m.recipient.id,
  };
}

/**
 * Written in the same transaction as the change that causes the emails. No
 * token is ever stored here: links are minted when the email is rendered.
 */
export async function enqueue(db: Db, workspaceId: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  // The rows travel as one JSON parameter: one INSERT whatever their number, far under the wire
  // protocol's 65,535 parameters, and quicker to bind than a VALUES list on the embedded database.
  const rows = messages.map((m) => ({ ...outboxRow(m), payload: m.payload }));
  await sql`
    INSERT INTO outbox (workspace_id, id, event_id, kind, approval_id, recipient_type, recipient_id, payload)
    SELECT ${workspaceId}::uuid, v.id, v.event_id, v.kind, v.approval_id, v.recipient_type, v.recipient_id, v.payload
    FROM json_to_recordset(${JSON.stringify(rows)}::json)
      AS v(id uuid, event_id uuid, kind text, approval_id uuid, recipient_type text, recipient_id uuid, payload jsonb)
    ON CONFLICT (workspace_id, event_id, recipient_type, recipient_id) DO NOTHING`.execute(db);
}
