import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { DEFAULT_POLICY } from './policy.js';

export type OutgoingEmail = {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Stable per event and recipient, so a resent email is recognisably the same one. */
  messageId: string;
  locale: 'en' | 'fr';
  /** Where a reply goes (SPEC §8.2): the ticket's reply address, or the approver's own reply address. */
  replyTo?: string;
  /** Threading (SPEC §8.2): the Message-ID answered, and the chain of the conversation, with angle brackets. */
  inReplyTo?: string;
  references?: string[];
  /**
   * RFC 3834: every automatic email says so; null for a person's own words relayed (an agent's reply to
   * the customer). Absent: `auto-generated`.
   */
  autoSubmitted?: 'auto-generated' | 'auto-replied' | null;
};

export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(email: OutgoingEmail): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The nodemailer options for an SMTP URL. `smtps://` is TLS from the first byte. `smtp://` to another
 * machine must upgrade with STARTTLS (requireTLS: the password and the emails' tokens never cross the
 * network in clear), unless the URL says otherwise with `?tls=`:
 * - `tls=optional`: STARTTLS when the server offers it, clear text otherwise (nodemailer's default);
 * - `tls=off`: never STARTTLS (a relay on a trusted network without TLS).
 * `smtp://` to this machine (a local relay, test sinks with self-signed certificates) defaults to `off`.
 */
export function smtpTransportOptions(url: string, options: { maxConnections?: number } = {}) {
  const u = new URL(url);
  const tls = u.searchParams.get('tls');
  if (tls !== null && !['required', 'optional', 'off'].includes(tls)) {
    throw new Error(`SMTP_URL: tls=${tls} is not one of required, optional, off`);
  }
  const implicitTls = u.protocol === 'smtps:';
  const mode = implicitTls ? 'implicit' : (tls ?? (LOOPBACK_HOSTS.has(u.hostname) ? 'off' : 'required'));
  return {
    pool: true as const,
    maxConnections: options.maxConnections ?? DEFAULT_POLICY.concurrency,
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    requireTLS: mode === 'required',
    ignoreTLS: mode === 'off',
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

/** SMTP through nodemailer, with pooled connections: by default as many as the worker sends at once. */
export function smtpTransport(url: string, options: { maxConnections?: number } = {}): MailTransport {
  const transporter = nodemailer.createTransport(smtpTransportOptions(url, options));
  return {
    kind: 'smtp',
    async send(email) {
      await transporter.sendMail({
        from: email.from,
        to: { name: email.to.name, address: email.to.address },
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
        ...(email.references?.length ? { references: email.references } : {}),
        headers: {
          'Content-Language': email.locale,
          ...(email.autoSubmitted === null
            ? {}
            : { 'Auto-Submitted': email.autoSubmitted ?? 'auto-generated' }),
        },
      });
    },
    async close() {
      transporter.close();
    },
  };
}

export type MailboxEntry = {
  id: string;
  /**
   * `outbound`: an email Signoff sent; `inbound`: one a developer sent in from the dev mailbox page
   * (SPEC §8.2, issue 14). Files written before issue 14 have none: they are outbound.
   */
  direction?: 'inbound' | 'outbound';
  messageId: string;
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
  /** Kept so that the page can answer an email as a mail client would (Reply-To, threading). */
  replyTo?: string;
  inReplyTo?: string;
  references?: string[];
  /** An inbound entry: what the pipeline made of it. */
  outcome?: string;
  ticketId?: string | null;
};

/**
 * With no SMTP server, emails are kept as files in DATA_DIR/mailbox: a
 * developer's inbox for one machine, outside the database, so no token lands
 * in a table. Newest first, at most `keep` files.
 */
export function devMailbox(dir: string, keep = 500): MailboxEntry[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .reverse()
      .slice(0, keep)
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as MailboxEntry);
  } catch {
    return [];
  }
}

let sequence = 0;

/** Keeps one email in the mailbox folder (readable by the developer's account only). */
export function recordInMailbox(dir: string, email: Omit<MailboxEntry, 'id' | 'receivedAt'>): MailboxEntry {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const receivedAt = new Date().toISOString();
  const id = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${(sequence++).toString().padStart(6, '0')}`;
  const entry: MailboxEntry = { id, receivedAt, ...email };
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(entry), { mode: 0o600 });
  return entry;
}

export function devMailboxTransport(dir: string): MailTransport {
  // The emails carry live links (approval, sign-in, password reset): the developer's account alone reads
  // them. chmod too, as mkdir leaves the mode of a folder made by an older version alone.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return {
    kind: 'dev-mailbox',
    async send(email) {
      // Reply-To, In-Reply-To and References ride along in `email`: the page's Reply needs them.
      recordInMailbox(dir, { direction: 'outbound', ...email });
    },
    async close() {},
  };
}
