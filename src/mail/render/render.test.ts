import escapeHtml from 'escape-html';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { ApprovalMailKind as MailKind } from '../../shared/outbox/index.js';
import { type EmailInput, type Locale, renderEmail } from './index.js';

const KINDS: MailKind[] = [
  'approval_requested',
  'approval_reminder',
  'decision_recorded',
  'approval_approved',
  'approval_denied',
  'approval_canceled',
  'approval_expired',
  'appeal_requested',
  'appeal_decided',
  'step_has_no_approvers',
  'comment_added',
];
const LOCALES: Locale[] = ['en', 'fr'];

const LINKS = {
  approve: 'https://help.example.com/respond/AbC_dEf-123?decision=approve',
  deny: 'https://help.example.com/respond/AbC_dEf-123?decision=deny',
  respond: 'https://help.example.com/respond/AbC_dEf-123',
};

function at(minutes: number): Date {
  return new Date(Date.UTC(2025, 2, 12, 9, 0) + minutes * 60_000);
}

function input(overrides: Partial<EmailInput> = {}): EmailInput {
  const kind = overrides.kind ?? 'approval_requested';
  const asks = kind === 'approval_requested' || kind === 'approval_reminder' || kind === 'appeal_requested';
  return {
    kind,
    locale: 'en',
    workspaceName: 'Acme IT',
    recipientName: 'Dana Scully',
    approval: {
      number: 12,
      title: 'Buy a laptop',
      description: 'The old one broke.\nBudget approved last year.',
      status: 'pending',
      requesterName: 'Bob Smith',
      onBehalfOfName: 'Carol Jones',
      stepName: 'Finance',
      stepIndex: 1,
      stepCount: 3,
      rule: { type: 'min', count: 2 },
      otherApprovers: ['Eve Moneypenny', 'Frank Castle'],
      formData: { Budget: 1500, Urgent: true, Model: 'ThinkPad X1' },
    },
    ticket: {
      number: 34,
      subject: 'Laptop does not start',
      thread: [
        { authorName: 'Carol Jones', body: 'Any news?', createdAt: at(60) },
        { authorName: 'Agent Kay', body: 'We asked finance.\nPlease wait.', createdAt: at(0) },
      ],
    },
    links: asks ? LINKS : null,
    viewUrl: 'https://help.example.com/tickets/34/approvals/abc',
    decision: { byName: 'Eve Moneypenny', value: 'approve', comment: 'Fine by me.' },
    appeal: { reason: 'The laptop is needed for the audit.', byName: 'Carol Jones' },
    cancel: { byName: 'Bob Smith', reason: 'requested' },
    comment: { byName: 'Eve Moneypenny', body: 'Which model exactly?', internal: false },
    expiresAt: new Date(Date.UTC(2025, 2, 19, 14, 5)),
    ...overrides,
  };
}

/** The visible text of the HTML part, roughly: tags removed, entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('renderEmail', () => {
  for (const locale of LOCALES) {
    for (const kind of KINDS) {
      it(`renders ${kind} in ${locale}`, () => {
        const email = renderEmail(input({ kind, locale }));
        expect(email.subject.trim()).not.toBe('');
        expect(email.text.trim()).not.toBe('');
        expect(email.html.trim()).not.toBe('');
        expect(email.subject).toContain('12');
        expect(email.subject).toContain('Buy a laptop');
        expect(email.subject).not.toMatch(/[\r\n]/);
        expect(email.html).toMatch(new RegExp(`^<!DOCTYPE html>\\n<html lang="${locale}"`));
        expect(email.html).toContain('https://help.example.com/tickets/34/approvals/abc');
        expect(email.text).toContain('https://help.example.com/tickets/34/approvals/abc');
        expect(email.text).toContain('Acme IT');
        // No untranslated placeholder or raw key is left.
        expect(email.text).not.toMatch(/\{\{|\}\}|subject\.|intro\.|label\./);
        expect(email.html).not.toMatch(/\{\{|\}\}/);
      });
    }
  }

  it('gives each kind its own subject in both languages', () => {
    for (const locale of LOCALES) {
      const subjects = new Set(KINDS.map((kind) => renderEmail(input({ kind, locale })).subject));
      expect(subjects.size).toBe(KINDS.length);
    }
  });

  it('SPEC §8.1: comment_added quotes the comment, and says so when it is an internal note (en, fr)', () => {
    const en = renderEmail(input({ kind: 'comment_added' }));
    expect(en.subject).toBe('[Approval #12] Buy a laptop — new comment from Eve Moneypenny');
    expect(en.text).toContain('Eve Moneypenny commented on request #12, “Buy a laptop”.');
    expect(en.text).toContain('Comment from Eve Moneypenny');
    expect(en.text).toContain('Which model exactly?');
    const note = { byName: 'Eve Moneypenny', body: 'Margin is 40%', internal: true };
    const internal = renderEmail(input({ kind: 'comment_added', comment: note }));
    expect(internal.subject).toBe('[Approval #12] Buy a laptop — internal note from Eve Moneypenny');
    expect(internal.text).toContain('Internal note from Eve Moneypenny');
    expect(internal.text).toContain('Only members can see it.');
    const fr = renderEmail(input({ kind: 'comment_added', locale: 'fr', comment: note }));
    expect(fr.subject.replace(/[\u00a0\u202f]/g, ' ')).toBe(
      "[Demande d'approbation n° 12] Buy a laptop — note interne de Eve Moneypenny",
    );
    expect(fr.text).toContain('Margin is 40%');
  });

  it('writes the English request email with everything an approver needs', () => {
    const { subject, text, html } = renderEmail(input());
    expect(subject).toBe('[Approval #12] Buy a laptop — your approval is requested');
    for (const part of [text, visible(html)]) {
      expect(part).toContain('Bob Smith is asking for your approval on request #12, “Buy a laptop”.');
      expect(part).toContain('Hello Dana Scully,');
      expect(part).toContain('Carol Jones'); // on behalf of
      expect(part).toContain('On behalf of');
      expect(part).toContain('The old one broke.');
      expect(part).toContain('#34 — Laptop does not start');
      expect(part).toContain('Step 2 of 3: Finance');
      expect(part).toContain('At least 2 approvals are needed.');
      expect(part).toContain('Eve Moneypenny and Frank Castle');
      expect(part).toContain('Approve');
      expect(part).toContain('Deny');
      expect(part).toContain('Respond with feedback');
      expect(part).toContain('Opening a link does not record anything by itself.');
      expect(part).toMatch(/stop working on March 19, 2025 at 2:05\sPM UTC/);
      expect(part).toContain('Any news?');
    }
    expect(text).toContain('Step 2 of 3: Finance\n');
    expect(text).toContain('Requested by: Bob Smith');
  });

  it('writes the French request email in French', () => {
    const { subject, text, html } = renderEmail(input({ locale: 'fr' }));
    expect(subject).toBe("[Demande d'approbation n°\u00a012] Buy a laptop — votre approbation est demandée");
    for (const part of [text, visible(html)]) {
      expect(part).toContain('Approuver');
      expect(part).toContain('Refuser');
      expect(part).toContain('Répondre avec un commentaire');
      expect(part).toContain('Bonjour Dana Scully,');
      expect(part).toContain('sollicite votre approbation');
      expect(part).toContain('Étape 2 sur 3\u00a0: Finance');
      expect(part).toContain('Au moins 2 approbations sont nécessaires.');
      expect(part).toContain('Eve Moneypenny et Frank Castle');
      expect(part).toContain('Pour le compte de');
      expect(part).toContain("Ouvrir un lien n'enregistre rien à lui seul.");
      expect(part).toContain('le 19 mars 2025 à 14:05 UTC');
      expect(part).toContain('12 mars 2025, 10:00 UTC');
      expect(part).not.toMatch(/\b(Approve|Deny|Hello|Request details|Step 2)\b/);
    }
    expect(html).toContain('<html lang="fr"');
    expect(text).toContain('Demandée par\u00a0: Bob Smith');
  });

  it('puts the three links in both the HTML and the text', () => {
    const links = { ...LINKS, approve: `${LINKS.approve}&x="1"` };
    for (const kind of ['approval_requested', 'approval_reminder', 'appeal_requested'] as const) {
      const { text, html } = renderEmail(input({ kind, links }));
      for (const url of Object.values(links)) {
        expect(text).toContain(`\n${url}\n`);
        expect(html).toContain(`href="${escapeHtml(url)}"`);
      }
      expect(html).toMatch(/<a href="[^"]*decision=approve[^"]*"[^>]*>Approve<\/a>/);
      expect(html).toMatch(/<a href="[^"]*decision=deny[^"]*"[^>]*>Deny<\/a>/);
      expect(html).not.toContain('x="1"');
    }
  });

  it('offers only a link to the request when there are no decision links', () => {
    for (const kind of KINDS) {
      const { text, html } = renderEmail(input({ kind, links: null }));
      expect(text).not.toContain(LINKS.respond);
      expect(html).not.toContain(LINKS.respond);
      expect(html).toMatch(
        /<a href="https:\/\/help\.example\.com\/tickets\/34\/approvals\/abc"[^>]*>View the request<\/a>/,
      );
    }
  });

  it('escapes every interpolated value in the HTML', () => {
    const nasty = '<script>alert(1)</script>';
    const quoted = '"quotes" & <b>';
    const evil: Partial<EmailInput> = {
      workspaceName: `Acme ${nasty}`,
      recipientName: `Dana ${quoted}`,
      approval: {
        ...input().approval,
        title: nasty,
        description: quoted,
        requesterName: `Bob ${nasty}`,
        onBehalfOfName: `Carol ${quoted}`,
        stepName: `Fin<i>ance</i>`,
        status: '<u>weird</u>',
        otherApprovers: [`<img src=x onerror=alert(1)>`],
        formData: { '<k>"key"': '<v>value</v>', nested: { a: '<b>' } },
      },
      ticket: {
        number: 34,
        subject: `<h1>subject</h1>`,
        thread: [{ authorName: `<em>Mallory</em>`, body: `${quoted}\n<iframe src="x">`, createdAt: at(0) }],
      },
      links: {
        approve: 'https://e.example/a?x="><script>',
        deny: 'https://e.example/d',
        respond: 'https://e.example/r',
      },
      viewUrl: 'https://e.example/v?a=1&b="2"',
      decision: { byName: `Eve ${nasty}`, value: 'deny', comment: quoted },
      appeal: { reason: nasty, byName: `Carol ${quoted}` },
      cancel: { byName: `Bob ${nasty}`, reason: 'requested' },
    };
    for (const locale of LOCALES) {
      for (const kind of KINDS) {
        const { html, text } = renderEmail(input({ ...evil, kind, locale }));
        expect(html).not.toMatch(/<(script|b|i|u|img|iframe|em|k|v)[\s>]/);
        expect(html).toContain('&lt;h1&gt;subject&lt;/h1&gt;');
        expect(html.match(/<h1[\s>]/g)).toHaveLength(1); // the headline only
        expect(html).not.toContain('"quotes"');
        expect(html).not.toContain('x="><');
        expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        // The text part carries the same values, unescaped.
        expect(text).toContain(nasty);
      }
      const { html } = renderEmail(input({ ...evil, locale }));
      expect(html).toContain('&quot;quotes&quot; &amp; &lt;b&gt;');
      expect(html).toContain('&lt;k&gt;&quot;key&quot;');
      expect(html).toContain('&lt;v&gt;value&lt;/v&gt;');
      expect(html).toContain('href="https://e.example/v?a=1&amp;b=&quot;2&quot;"');
      expect(html).toContain('&quot;quotes&quot; &amp; &lt;b&gt;<br>&lt;iframe src=&quot;x&quot;&gt;');
    }
  });

  it('neutralises a script URL in an href', () => {
    const { html, text } = renderEmail(input({ viewUrl: ' JavaScript:alert(1)', links: null }));
    expect(html).not.toMatch(/href="\s*javascript:/i);
    expect(html).toContain('href="#"');
    expect(text).toContain('JavaScript:alert(1)');
  });

  it('keeps text in values literal, never as a placeholder or an i18next nesting', () => {
    const title = '{{requester}} $t(action.approve) {{number}}';
    const { subject, text } = renderEmail(input({ approval: { ...input().approval, title } }));
    expect(subject).toContain(title);
    expect(text).toContain(`request #12, “${title}”`);
  });

  it('keeps line breaks of bodies, comments and reasons', () => {
    const { html, text } = renderEmail(
      input({
        kind: 'appeal_decided',
        decision: { byName: 'Eve', value: 'approve', comment: 'one\r\ntwo' },
        appeal: { reason: 'first\nsecond', byName: 'Carol' },
      }),
    );
    expect(html).toContain('one<br>two');
    expect(html).toContain('first<br>second');
    expect(html).toContain('The old one broke.<br>Budget approved last year.');
    expect(text).toContain('> one\n> two');
    expect(text).toContain('> first\n> second');
  });

  it('shows the thread newest first, bounded to 10 messages of at most 2,000 characters', () => {
    const thread = Array.from({ length: 14 }, (_, i) => ({
      authorName: `Author ${i}`,
      body: i === 13 ? `${'x'.repeat(5000)}END` : `Message number ${i}.`,
      createdAt: at(i),
    }));
    // Given newest first, as the caller does; also check a shuffled order gives the same email.
    const newestFirst = [...thread].reverse();
    const shuffled = [newestFirst[5]!, ...newestFirst.slice(0, 5), ...newestFirst.slice(6)];
    const email = renderEmail(input({ ticket: { number: 34, subject: 'S', thread: newestFirst } }));
    expect(renderEmail(input({ ticket: { number: 34, subject: 'S', thread: shuffled } }))).toEqual(email);
    for (const part of [email.text, visible(email.html)]) {
      const order = [...part.matchAll(/Author (\d+)/g)].map((m) => Number(m[1]));
      expect(order).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
      expect(part).not.toContain('Message number 3.');
      expect(part).toContain('The 10 most recent of 14 public messages.');
      expect(part).toContain(`${'x'.repeat(2000)}\n[…] (message shortened)`);
      expect(part).not.toContain('x'.repeat(2001));
      expect(part).not.toContain('END');
    }
    expect(email.html).toContain(`${'x'.repeat(2000)}<br>[…] (message shortened)`);
    // The input is not modified.
    expect(newestFirst[0]!.authorName).toBe('Author 13');
  });

  it('says so when the ticket has no public message', () => {
    const { text } = renderEmail(input({ ticket: { number: 34, subject: 'S', thread: [] } }));
    expect(text).toContain('There are no public messages on this ticket yet.');
  });

  it('shows the form data when given, and not when null', () => {
    const withForm = renderEmail(input());
    for (const part of [withForm.text, visible(withForm.html)]) {
      expect(part).toContain('Form');
      expect(part).toContain('Budget');
      expect(part).toContain('1500');
      expect(part).toContain('ThinkPad X1');
      expect(part).toContain('Yes');
    }
    expect(withForm.text).toContain('Model: ThinkPad X1');
    const fr = renderEmail(input({ locale: 'fr' }));
    expect(fr.text).toContain('Urgent\u00a0: Oui');
    const without = renderEmail(input({ approval: { ...input().approval, formData: null } }));
    expect(without.text).not.toContain('ThinkPad');
    expect(without.html).not.toContain('ThinkPad');
  });

  it('words the rule, the step and the other approvers', () => {
    const render = (a: Partial<EmailInput['approval']>, locale: Locale = 'en') =>
      renderEmail(input({ locale, approval: { ...input().approval, ...a } })).text;
    expect(render({ rule: { type: 'any' } })).toContain('One approval from any of the approvers is enough.');
    expect(render({ rule: { type: 'all' } })).toContain('Every approver must approve.');
    expect(render({ rule: { type: 'min', count: 1 } })).toContain('At least 1 approval is needed.');
    expect(render({ rule: { type: 'min', count: 1 } }, 'fr')).toContain(
      'Au moins 1 approbation est nécessaire.',
    );
    expect(render({ rule: { type: 'min', count: 1_000_000 } }, 'fr')).toContain(
      'Au moins 1000000 approbations sont nécessaires.',
    );
    expect(render({ otherApprovers: [] })).toContain('you are the only person asked on this step');
    expect(render({ stepName: null })).toContain('Step 2 of 3\n');
    expect(render({ stepCount: 1, stepIndex: 0, stepName: 'Manager' })).toContain('Step: Manager\n');
    expect(render({ onBehalfOfName: null })).not.toContain('On behalf of');
    expect(render({ description: null })).not.toContain('Description');
  });

  it('mentions the link expiry only when known', () => {
    expect(renderEmail(input({ expiresAt: null })).text).toContain('They stop working once this step ends.');
    expect(renderEmail(input({ kind: 'appeal_requested', expiresAt: null, locale: 'fr' })).text).toContain(
      'dès que le recours est tranché',
    );
  });

  it('tells the outcome of each notification', () => {
    const text = (o: Partial<EmailInput>) => renderEmail(input(o)).text;
    expect(text({ kind: 'decision_recorded' })).toContain('Eve Moneypenny approved request #12');
    expect(text({ kind: 'decision_recorded' })).toContain('Comment from Eve Moneypenny:\n> Fine by me.');
    expect(
      renderEmail(
        input({ kind: 'decision_recorded', decision: { byName: 'Eve', value: 'deny', comment: null } }),
      ).subject,
    ).toBe('[Approval #12] Buy a laptop — denied by Eve');
    expect(text({ kind: 'decision_recorded', locale: 'fr' })).toContain(
      'Eve Moneypenny a approuvé la demande',
    );
    expect(text({ kind: 'approval_canceled' })).toContain('Bob Smith canceled request #12');
    expect(text({ kind: 'approval_canceled' })).not.toContain('Fine by me.');
    expect(text({ kind: 'approval_canceled', cancel: { byName: null, reason: 'no_recipients' } })).toContain(
      'because every approver was removed',
    );
    expect(text({ kind: 'approval_expired', locale: 'fr' })).toContain('a expiré');
    expect(text({ kind: 'appeal_requested' })).toContain('Reason for the appeal, from Carol Jones:');
    expect(text({ kind: 'appeal_requested' })).toContain('Respond with feedback');
    expect(renderEmail(input({ kind: 'appeal_decided', locale: 'fr' })).subject).toContain('recours accepté');
    expect(
      text({ kind: 'appeal_decided', decision: { byName: 'Eve', value: 'deny', comment: null } }),
    ).toContain('the request stays denied');
    expect(
      text({ kind: 'approval_approved', approval: { ...input().approval, status: 'approved' } }),
    ).toContain('Status: Approved');
  });

  it('is deterministic and leaves the global i18next instance alone', () => {
    const a = renderEmail(input({ locale: 'fr' }));
    const b = renderEmail(input({ locale: 'fr' }));
    expect(a).toEqual(b);
    expect(renderEmail(input({ locale: 'en' })).subject).not.toBe(a.subject);
    expect(i18next.isInitialized).toBeFalsy();
    expect(i18next.exists('action.approve')).toBeFalsy();
  });

  it('keeps the subject on one line', () => {
    const { subject } = renderEmail(
      input({ approval: { ...input().approval, title: 'Bcc: x\r\nBuy\ta laptop' } }),
    );
    expect(subject).toBe('[Approval #12] Bcc: x Buy a laptop — your approval is requested');
  });
});
