import type { InboundMessage } from '../../shared/email/inbound-message.js';
import type { AppDeps } from '../../shared/http/types.js';

/**
 * Reply to approve (SPEC §8.2): an email sent to an approver's reply address `{slug}+a{token}@…`.
 * FOUNDATION PLACEHOLDER: the reply-to-approve branch replaces this body; it never lands as is.
 */
export type ApprovalReplyOutcome = {
  outcome: 'decided' | 'commented' | 'link_sent' | 'ignored';
  approvalId: string | null;
  ticketId: string | null;
};

export async function receiveApprovalReply(
  _deps: Pick<AppDeps, 'db' | 'config' | 'now'>,
  _input: {
    workspaceId: string;
    /** The token of the reply address, as written in it. */
    token: string;
    message: InboundMessage;
    /** The `inbound_messages` row the raw original is kept in. */
    inboundMessageId: string;
  },
): Promise<ApprovalReplyOutcome> {
  throw new Error('receiveApprovalReply: built on the reply-to-approve branch');
}
