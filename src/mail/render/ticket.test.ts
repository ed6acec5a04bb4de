import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT, renderTicketEmail, type TicketEmailInput, ticketSubject } from './ticket.js';

const base: TicketEmailInput = {
  kind: 'ticket_message',
  locale: 'en',
  workspaceName: 'Acme',
  recipientName: 'Eve',
  ticket: { number: 42, subject: 'Printer on fire', requesterName: 'Eve' },
  message: { authorName: 'Amy', body: 'On it.', byRequester: false },
  history: [],
  viewUrl: 'https://x.test/portal/tickets/1',
  answersEmail: false,
};

describe('SPEC §8.2 ticket email rendering', () => {
  it('SPEC §8.2: the subject carries [#number], Re: for a reply, on one line (no header injection), cut when long', () => {
    expect(ticketSubject('ticket_created_notice', 42, 'Printer on fire', false)).toBe(
      '[#42] Printer on fire',
    );
    expect(ticketSubject('ticket_message', 42, 'Printer on fire', false)).toBe('Re: [#42] Printer on fire');
    expect(ticketSubject('ticket_acknowledged', 42, 'Printer on fire', true)).toBe(
      'Re: [#42] Printer on fire',
    );
    const injected = ticketSubject('ticket_acknowledged', 7, 'Hi\r\nBcc: victim@example.test', false);
    expect(injected).not.toMatch(/[\r\n]/);
    expect(injected).toBe('[#7] Hi Bcc: victim@example.test');
    const long = ticketSubject('ticket_acknowledged', 7, 'x'.repeat(500), false);
    expect(long.length).toBeLessThanOrEqual(`[#7] `.length + MAX_SUBJECT + 1);
    expect(long.endsWith('…')).toBe(true);
  });

  it('SPEC §8.2: the message is escaped in HTML; the reply line stands above the quoted history, in English and French', () => {
    const history = [
      { authorName: 'Eve', body: 'Earlier words', createdAt: new Date('2026-01-01T10:00:00Z') },
    ];
    const en = renderTicketEmail({
      ...base,
      message: { ...base.message, body: '<script>x</script>' },
      history,
    });
    expect(en.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(en.html).not.toContain('<script>');
    const hint = en.text.indexOf('Reply to this email to add to the ticket.');
    expect(hint).toBeGreaterThan(-1);
    expect(en.text.indexOf('Earlier words')).toBeGreaterThan(hint);
    const fr = renderTicketEmail({ ...base, locale: 'fr', history });
    expect(fr.text).toContain('Répondez à cet e-mail pour compléter le ticket.');
    expect(fr.text).toContain('Amy a répondu à votre ticket n°\u00a042');
    expect(fr.text.indexOf('Earlier words')).toBeGreaterThan(fr.text.indexOf('Répondez'));
  });
});
