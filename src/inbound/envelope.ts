/** How a raw message reached Signoff (SPEC §8.2): the door, and what its SMTP session said. */
export type InboundVia = 'smtp' | 'http' | 'dev';

export type InboundEnvelope = {
  via: InboundVia;
  /** SMTP MAIL FROM, when the message came by SMTP. */
  mailFrom?: string | null;
  /** SMTP RCPT TO (or the provider's envelope recipients): the domain lower case, the local part as written (a `+a` token is case-sensitive). */
  rcptTo?: string[];
  /** The sending client's IP address (SPF), and its HELO name. */
  remoteAddress?: string | null;
  heloName?: string | null;
};
