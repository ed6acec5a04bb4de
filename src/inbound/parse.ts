import { createHash } from 'node:crypto';
import EmailReplyParser from 'email-reply-parser';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { InboundAttachment } from '../shared/email/inbound-message.js';
import { problem } from '../shared/errors.js';

/** SPEC §8.2: at most 25 MiB per message and 10 MiB per attachment. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** What the pipeline reads from a raw message before it looks at the database. */
export type ParsedInbound = {
  messageId: string;
  from: { address: string; name: string };
  subject: string;
  text: string;
  reply: string;
  inReplyTo: string | null;
  references: string[];
  /**
   * Every recipient found, envelope first, then Delivered-To, X-Original-To, To, Cc; once each. Kept as
   * written: the token of a reply address is case-sensitive.
   */
  recipients: string[];
  /** RFC 3834 header flags (our own sender address is added by the caller, which knows the domain). */
  autoSubmittedHeaders: boolean;
  attachments: InboundAttachment[];
};

const malformed = (why: string) => problem('malformed_message', `The message cannot be read: ${why}`);

/** `<id>` or `id` → `id`; null when nothing is left. */
export function bareMessageId(value: string | null | undefined): string | null {
  const id = value?.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return id ? id : null;
}

/** All Message-IDs of a References / In-Reply-To value (one string or several), without brackets. */
function messageIds(value: string | string[] | undefined): string[] {
  const all = (Array.isArray(value) ? value : value ? [value] : []).flatMap(
    (v) => v.match(/<[^<>\s]+>/g) ?? v.split(/\s+/),
  );
  return all.map(bareMessageId).filter((v): v is string => v !== null);
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  const out: string[] = [];
  const walk = (list: { address?: string; group?: unknown[] }[]) => {
    for (const a of list) {
      if (a.address) out.push(a.address);
      if (Array.isArray(a.group)) walk(a.group as { address?: string }[]);
    }
  };
  for (const o of objects) walk(o.value);
  return out;
}

/** Header values as strings, every occurrence (Delivered-To may appear several times). */
function rawHeaderValues(parsed: ParsedMail, name: string): string[] {
  return parsed.headerLines
    .filter((h) => h.key === name)
    .map((h) => h.line.slice(h.line.indexOf(':') + 1).trim());
}

/** The bare addresses in a header value such as `Name <a@b>` or `a@b`. */
function bareAddresses(value: string): string[] {
  return (value.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []).map((a) => a.replace(/^mailto:/i, ''));
}

/**
 * RFC 3834 and common practice: an automatic message (`Auto-Submitted` other than `no`), a bulk one
 * (`Precedence: bulk|list|junk`) or a mailing-list one (`List-Id`) must not be answered automatically.
 */
function isAutomatic(parsed: ParsedMail): boolean {
  // The header lines as written: mailparser folds List-* headers into a structure of its own.
  const first = (name: string) => (rawHeaderValues(parsed, name)[0] ?? '').trim().toLowerCase();
  const autoSubmitted = first('auto-submitted');
  if (autoSubmitted && !/^no\b/.test(autoSubmitted)) return true;
  if (['bulk', 'list', 'junk'].includes(first('precedence'))) return true;
  return rawHeaderValues(parsed, 'list-id').length > 0;
}

/**
 * Checks the sizes, parses the message (mailparser) and strips quoted history and signatures from its
 * text (email-reply-parser). Throws `message_too_large` or `malformed_message`; writes nothing.
 */
export async function parseInbound(raw: Buffer, envelopeRecipients: string[] = []): Promise<ParsedInbound> {
  if (raw.length > MAX_MESSAGE_BYTES) throw problem('message_too_large', 'The message is larger than 25 MiB');
  if (raw.length === 0) throw malformed('it is empty');
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch {
    throw malformed('it is not an RFC 5322 message');
  }
  if (parsed.headerLines.length === 0) throw malformed('it has no headers');
  const from = parsed.from?.value.find((a) => a.address?.includes('@'));
  if (!from?.address) throw malformed('it has no From address');
  for (const a of parsed.attachments) {
    if (a.size > MAX_ATTACHMENT_BYTES)
      throw problem('message_too_large', 'An attachment of the message is larger than 10 MiB');
  }
  const recipients = [
    ...envelopeRecipients,
    ...rawHeaderValues(parsed, 'delivered-to').flatMap(bareAddresses),
    ...rawHeaderValues(parsed, 'x-original-to').flatMap(bareAddresses),
    ...addressesOf(parsed.to),
    ...addressesOf(parsed.cc),
  ].map((a) => a.trim());
  const text = (parsed.text || (await htmlAsText(parsed.html)) || '').replace(/\r\n/g, '\n').trim();
  const reply = text ? new EmailReplyParser().parseReply(text).trim() : '';
  return {
    // No Message-ID: one made from the content, so a second delivery of the same bytes is still recognised.
    messageId:
      bareMessageId(storable(parsed.messageId ?? '')) ??
      `${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@inbound.signoff.invalid`,
    from: { address: storable(from.address.toLowerCase()), name: storable(from.name ?? '').trim() },
    subject: storable(parsed.subject ?? '').trim(),
    text: storable(text),
    reply: storable(reply || text),
    inReplyTo: messageIds(parsed.inReplyTo)[0] ?? null,
    references: messageIds(parsed.references),
    recipients: uniqueIgnoringCase(recipients),
    autoSubmittedHeaders: isAutomatic(parsed),
    attachments: parsed.attachments.map((a, i) => ({
      // An inline part without a name (a signature logo, a pasted image) is kept under a made-up one.
      filename: storable(a.filename ?? '').trim() || `attachment-${i + 1}${extensionOf(a.contentType)}`,
      contentType: storable(a.contentType || 'application/octet-stream'),
      size: a.size,
      content: a.content,
    })),
  };
}

/**
 * The text of an HTML-only message. mailparser converts HTML to text only for a top-level HTML part (not one
 * inside multipart/related, as mail with inline images has it): the HTML is parsed again as a message of
 * its own, so the same converter, with mailparser's size and nesting limits, does it.
 */
async function htmlAsText(html: string | false | undefined): Promise<string> {
  if (!html) return '';
  try {
    const wrapped = await simpleParser(Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`));
    return wrapped.text ?? '';
  } catch {
    return '';
  }
}

/** PostgreSQL text holds neither U+0000 nor an unpaired surrogate: a message may carry both. */
function storable(text: string): string {
  return text
    .replaceAll('\u0000', '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function extensionOf(contentType: string): string {
  const sub = /^[a-z]+\/([a-z0-9]+)$/i.exec(contentType)?.[1]?.toLowerCase();
  return sub && sub.length <= 5 ? `.${sub}` : '';
}

function uniqueIgnoringCase(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toLowerCase();
    if (!v || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
