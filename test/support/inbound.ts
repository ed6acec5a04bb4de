import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { dkimSign } from 'mailauth';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { Db } from '../../src/shared/db/connect.js';
import type { DnsResolver } from '../../src/shared/email/dns.js';
import type { Client } from './client.js';

/**
 * Shared helpers of the inbound-mail suites (SPEC §8.2): raw messages built with nodemailer's
 * MailComposer, a DNS resolver answering from a table (the machine has no DNS), and a DKIM key whose
 * public half that table publishes for TEST_MAIL_DOMAIN.
 */

/** The inbound domain the suites configure (INBOUND_DOMAIN). */
export const INBOUND_DOMAIN = 'in.signoff.test';
/** The bearer secret of the HTTP door the suites configure (INBOUND_SECRET). */
export const INBOUND_SECRET = 'inbound-test-secret-0123456789';
/** The env for startServer: the door on, the domain fixed. */
export const INBOUND_ENV = { INBOUND_DOMAIN, INBOUND_SECRET } as const;

/** A sender domain with DKIM and DMARC records in `fakeResolver`. */
export const TEST_MAIL_DOMAIN = 'sender.example.test';
export const DKIM_SELECTOR = 'test1';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** The DKIM private key (PEM) of TEST_MAIL_DOMAIN. */
export const DKIM_PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const DKIM_PUBLIC_KEY = (keys.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');

/** TXT records by name, as `dns.promises.resolve(name, 'TXT')` answers them. */
export const DEFAULT_TXT_RECORDS: Record<string, string[][]> = {
  [`${DKIM_SELECTOR}._domainkey.${TEST_MAIL_DOMAIN}`]: [[`v=DKIM1; k=rsa; p=${DKIM_PUBLIC_KEY}`]],
  [`_dmarc.${TEST_MAIL_DOMAIN}`]: [['v=DMARC1; p=reject']],
  [TEST_MAIL_DOMAIN]: [['v=spf1 -all']],
};

const dnsError = (code: string, name: string) =>
  Object.assign(new Error(`${code} ${name}`), { code, hostname: name });

/**
 * A resolver answering TXT lookups from `records` (DEFAULT_TXT_RECORDS by default) and `ENOTFOUND` for
 * anything else, at once. `temporaryFailure: true` answers every lookup with `ETIMEOUT` instead.
 */
export function fakeResolver(
  options: { records?: Record<string, string[][]>; temporaryFailure?: boolean } = {},
): DnsResolver & { lookups: string[] } {
  const records = options.records ?? DEFAULT_TXT_RECORDS;
  const lookups: string[] = [];
  const resolve = async (name: string, rrtype: string) => {
    lookups.push(`${rrtype} ${name}`);
    if (options.temporaryFailure) throw dnsError('ETIMEOUT', name);
    const found = rrtype === 'TXT' ? records[name.toLowerCase()] : undefined;
    if (found) return found;
    throw dnsError('ENOTFOUND', name);
  };
  return Object.assign(resolve, { lookups });
}

export type RawMessageOptions = Mail.Options & {
  /** Sign with DKIM_PRIVATE_KEY as TEST_MAIL_DOMAIN (From should be at that domain for DMARC). */
  dkim?: boolean;
};

/** A raw RFC 5322 message (MailComposer); a Message-ID is made unless `messageId` is given. */
export async function rawMessage(options: RawMessageOptions): Promise<Buffer> {
  const { dkim, ...mail } = options;
  const raw = await new MailComposer({
    messageId: `<${randomBytes(8).toString('hex')}@${TEST_MAIL_DOMAIN}>`,
    ...mail,
  })
    .compile()
    .build();
  if (!dkim) return raw;
  const signed = await dkimSign(raw, {
    signatureData: [
      { signingDomain: TEST_MAIL_DOMAIN, selector: DKIM_SELECTOR, privateKey: DKIM_PRIVATE_KEY },
    ],
  } as Parameters<typeof dkimSign>[1]);
  if (signed.errors.length > 0) throw signed.errors[0];
  return Buffer.concat([Buffer.from(signed.signatures), raw]);
}

/** Posts a raw message to the HTTP door (`POST /api/v1/inbound/email`). */
export async function postInbound(
  baseUrl: string,
  raw: Buffer | string,
  options: { secret?: string | null; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const secret = options.secret === undefined ? INBOUND_SECRET : options.secret;
  const res = await fetch(`${baseUrl}/api/v1/inbound/email`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'message/rfc822',
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
    },
    body: typeof raw === 'string' ? raw : new Uint8Array(raw),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

/** The workspace's inbound address, read from its settings. */
export async function inboundAddressOf(api: Client, adminToken: string): Promise<string> {
  const res = await api.get('/settings', { token: adminToken });
  if (res.status !== 200) throw new Error(`settings: ${res.status}`);
  return res.body.inboundAddress as string;
}

/**
 * A file on the first message of a ticket, written straight to the table (fixtures whose tickets were made
 * through the API, not by email). Returns the attachment's id.
 */
export async function attachFile(
  db: Db,
  workspaceId: string,
  ticketId: string,
  file: { filename?: string; contentType?: string; content?: Buffer } = {},
): Promise<string> {
  const message = await db
    .selectFrom('ticket_messages')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .executeTakeFirstOrThrow();
  const content = file.content ?? Buffer.from('fixture file\n');
  const id = randomUUID();
  await db
    .insertInto('ticket_attachments')
    .values({
      workspace_id: workspaceId,
      id,
      ticket_id: ticketId,
      message_id: message.id,
      filename: file.filename ?? 'fixture.txt',
      content_type: file.contentType ?? 'text/plain',
      size_bytes: content.length,
      content,
    })
    .execute();
  return id;
}
