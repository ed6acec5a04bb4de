/**
 * An email as the inbound pipeline hands it on (SPEC §8.2), once parsed and authenticated. It lives in
 * shared because the pipeline (src/inbound) hands it to the approvals module (reply to approve), which
 * must not import the pipeline.
 */

export type AuthVerdict =
  | 'pass'
  | 'fail'
  | 'softfail'
  | 'neutral'
  | 'none'
  | 'temperror'
  | 'permerror'
  | 'policy';

/** SPF, DKIM and DMARC as computed on arrival (with mailauth), kept with the message. */
export type MailAuthResults = {
  spf: AuthVerdict;
  /** The best DKIM result; `pass` when one signature aligned with the From domain passes. */
  dkim: AuthVerdict;
  dmarc: AuthVerdict;
  /** The From header's domain, lower case. */
  fromDomain: string;
};

export type InboundAttachment = {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
};

export type InboundMessage = {
  /** The Message-ID without angle brackets. */
  messageId: string;
  from: { address: string; name: string };
  subject: string;
  /** The whole text body (HTML turned to text when there is no text part). */
  text: string;
  /** The visible reply: quoted history and signature stripped. */
  reply: string;
  /** Message-IDs without angle brackets. */
  inReplyTo: string | null;
  references: string[];
  /**
   * True when no automatic email may answer it (RFC 3834): `Auto-Submitted` other than `no`,
   * `Precedence: bulk|list|junk`, a `List-Id`, or a sender that is a workspace's own address.
   */
  autoSubmitted: boolean;
  auth: MailAuthResults;
  attachments: InboundAttachment[];
};
