import { randomUUID } from 'node:crypto';
import type { PersonRef } from '../approvals/core/types.js';
import type { AccountMailKind } from '../auth/accounts.js';
import type { Db } from '../shared/db/connect.js';

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
  | 'appeal_decided';

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

/**
 * Written in the same transaction as the change that causes the emails. No
 * token is ever stored here: links are minted when the email is rendered.
 */
export async function enqueue(db: Db, workspaceId: string, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  // Keep each INSERT under PostgreSQL's 65,535 parameters.
  for (let i = 0; i < messages.length; i += 5000) {
    await db
      .insertInto('outbox')
      .values(
        messages.slice(i, i + 5000).map((m) => ({
          workspace_id: workspaceId,
          id: randomUUID(),
          event_id: m.eventId,
          kind: m.kind,
          approval_id: m.approvalId,
          recipient_type: m.recipient.type,
          recipient_id: m.recipient.id,
          payload: JSON.stringify(m.payload),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'event_id', 'recipient_type', 'recipient_id']).doNothing(),
      )
      .execute();
  }
}
