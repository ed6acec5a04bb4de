import type { AppDeps } from '../shared/http/types.js';

/**
 * The one entry of inbound mail (SPEC §8.2): both doors (the SMTP listener, `POST /inbound/email`) and
 * the dev mailbox hand it a raw RFC 5322 message.
 * FOUNDATION PLACEHOLDER: the inbound-core branch replaces this body; it never lands as is.
 */
export type InboundVia = 'smtp' | 'http' | 'dev';

export type InboundEnvelope = {
  via: InboundVia;
  /** SMTP MAIL FROM, when the message came by SMTP. */
  mailFrom?: string | null;
  /** SMTP RCPT TO (or the provider's envelope recipients), lower case. */
  rcptTo?: string[];
  /** The sending client's IP address (SPF), and its HELO name. */
  remoteAddress?: string | null;
  heloName?: string | null;
};

export type InboundOutcome = {
  outcome: 'ticket_created' | 'reply_added' | 'approval_reply' | 'duplicate' | 'dropped';
  workspaceId: string | null;
  ticketId: string | null;
  approvalId: string | null;
  /** Why a message was dropped (unknown sender refused, sender over its limit…). */
  reason?: string;
};

export async function receiveInbound(
  _deps: Pick<AppDeps, 'db' | 'config' | 'now'>,
  _raw: Buffer,
  _envelope: InboundEnvelope,
): Promise<InboundOutcome> {
  throw new Error('receiveInbound: built on the inbound-core branch');
}
