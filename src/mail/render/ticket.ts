/**
 * The helpdesk's emails of a ticket (SPEC §8.2) in English and French, printed by the same text and HTML
 * renderers as the approval emails (every value escaped there). Pure: no I/O, no clock.
 */
import type { TicketMailKind } from '../../shared/outbox/index.js';
import type { Block, EmailDoc } from './doc.js';
import { formatDate, normalizeNewlines, singleLine, truncate } from './format.js';
import { renderHtml } from './html.js';
import { translator } from './i18n.js';
import type { MessageKey } from './messages.js';
import { renderText } from './text.js';
import type { Locale, RenderedEmail, ThreadMessage } from './types.js';

/** A subject stays short: the ticket's subject is cut here (the `[#number]` prefix always fits). */
export const MAX_SUBJECT = 120;
/** The conversation quoted under the message: the newest few public messages before it. */
export const MAX_HISTORY = 5;
const MAX_BODY = 10_000;
const MAX_HISTORY_BODY = 2000;

export type TicketEmailInput = {
  kind: TicketMailKind;
  locale: Locale;
  workspaceName: string;
  recipientName: string;
  ticket: { number: number; subject: string; requesterName: string };
  /** The message the email is about: the new ticket's first message, or the message added. */
  message: { authorName: string; body: string; byRequester: boolean };
  /** Earlier public messages of the ticket, newest first (at most `MAX_HISTORY` shown). */
  history: ThreadMessage[];
  /** `/tickets/{id}` for members, `/portal/tickets/{id}` for contacts. */
  viewUrl: string;
  /** The acknowledgement of a ticket that came by email answers that email: its subject says `Re:`. */
  answersEmail: boolean;
};

function cut(value: string, max: number, t: (k: MessageKey) => string): string {
  const c = truncate(normalizeNewlines(value), max);
  return c.truncated ? `${c.text}\n${t('thread.truncated')}` : c.text;
}

/**
 * Subject: `[#42] Printer on fire` for the first email of a thread (a new ticket), `Re: [#42] Printer on
 * fire` for a reply in it (a message, or the acknowledgement of an emailed ticket). `Re:` is not
 * translated (RFC 5322 §3.6.5). One line (no header injection), the ticket's subject cut to MAX_SUBJECT.
 */
export function ticketSubject(kind: TicketMailKind, number: number, subject: string, answersEmail: boolean) {
  const c = truncate(singleLine(subject), MAX_SUBJECT);
  const s = c.truncated ? `${c.text.trimEnd()}…` : c.text;
  const reply = kind === 'ticket_message' || kind === 'customer_replied' || answersEmail;
  return singleLine(reply ? `Re: [#${number}] ${s}` : `[#${number}] ${s}`);
}

export function composeTicketEmail(input: TicketEmailInput): EmailDoc {
  const t = translator(input.locale);
  const vars = {
    number: input.ticket.number,
    subject: singleLine(input.ticket.subject),
    requester: singleLine(input.ticket.requesterName),
    by: singleLine(input.message.authorName),
  };
  const introKey: MessageKey =
    input.kind === 'ticket_created_notice' && !input.message.byRequester
      ? 'ticket.intro_ticket_created_notice_by'
      : `ticket.intro_${input.kind}`;
  const intro = t(introKey, vars);
  const blocks: Block[] = [
    { type: 'paragraph', text: intro },
    { type: 'quote', label: t('ticket.message_by', vars), body: cut(input.message.body, MAX_BODY, t) },
    {
      type: 'actions',
      heading: null,
      actions: [{ label: t('ticket.view'), url: input.viewUrl, tone: 'primary' }],
    },
    // Above the quoted history, so a reply written on top of it is the part the inbound pipeline keeps.
    { type: 'paragraph', text: t('ticket.reply_hint') },
  ];
  const history = input.history.slice(0, MAX_HISTORY);
  if (history.length > 0) {
    blocks.push({
      type: 'thread',
      heading: t('ticket.history'),
      note: null,
      entries: history.map((m) => {
        const date = formatDate(input.locale, m.createdAt, 'medium');
        const author = singleLine(m.authorName);
        return {
          author,
          date: date ? `${date} UTC` : '',
          line: date ? t('thread.by', { author, date }) : author,
          body: cut(m.body, MAX_HISTORY_BODY, t),
        };
      }),
    });
  }
  const name = singleLine(input.recipientName);
  return {
    locale: input.locale,
    subject: ticketSubject(input.kind, input.ticket.number, input.ticket.subject, input.answersEmail),
    preheader: singleLine(intro),
    workspaceName: singleLine(input.workspaceName),
    headline: singleLine(t(`ticket.headline_${input.kind}`, vars)),
    greeting: name ? t('greeting.named', { name }) : t('greeting.anonymous'),
    blocks,
    colon: t('punct.colon'),
    footer: t('ticket.footer', { workspace: singleLine(input.workspaceName), number: input.ticket.number }),
  };
}

export function renderTicketEmail(input: TicketEmailInput): RenderedEmail {
  const doc = composeTicketEmail(input);
  return { subject: doc.subject, text: renderText(doc), html: renderHtml(doc) };
}
