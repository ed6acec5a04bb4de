import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRef, expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import type { ReceivedEmail } from '../support/smtp-sink.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import {
  addContact,
  addMember,
  drain,
  expectedMessageId,
  isTicketEmail,
  type MailEnv,
  nonTicketTo,
  startMailEnv,
  tokenOf,
  tokensIn,
} from './harness.js';

/**
 * SPEC §4 and docs/decisions.md "Emails (outbox)": who receives each email
 * and what it says, in English and in French, as a real SMTP server receives
 * it. The worker runs with its production policy (poll every second), so the
 * "leaves within 5 seconds" promise is measured too.
 */

let env: MailEnv;
let ws: Workspace;
let ada: Person; // the admin, who requests
let bob: Person; // member, no locale → workspace default (en)
let claire: Person; // member, fr
let dana: Person; // contact, fr, on the ticket as CC
let eve: Person; // contact, no locale, the ticket's requester
let frank: Person; // member, en, step 2
let grace: Person; // member, fr, appeal reviewer
let ivan: Person; // member, fr, on whose behalf the first request is made
let henry: Person; // member added later
let jules: Person; // agent who requests the canceled approval
let ticket: { id: string; number: number };
let templateId: string;
const byId = new Map<string, Person>();

const TITLE = 'Laptops for design';
const DESCRIPTION = 'Three 14-inch laptops, 4,500 EUR in total.';
const SUBJECT = 'Laptop replacement for the design team';
const FIRST_MESSAGE = 'My laptop no longer boots.';
const PUBLIC_REPLY = 'We asked the supplier for a quote.';
const INTERNAL_NOTE = 'INTERNAL-ONLY supplier margin is 40 percent';

/** The delivered emails of an approval's outbox rows of one kind, each matched to its row. */
async function delivered(approvalId: string, kind: string) {
  const rows = await env.db
    .selectFrom('outbox')
    .select(['id', 'seq', 'event_id', 'recipient_type', 'recipient_id', 'status', 'message_id'])
    .where('approval_id', '=', approvalId)
    .where('kind', '=', kind)
    .orderBy('seq')
    .execute();
  return rows.map((row) => {
    const emails = env.sink.messages.filter((m) => m.messageId === row.message_id).map(plain);
    return { row, person: byId.get(row.recipient_id), emails, email: emails[0] as ReceivedEmail };
  });
}

/** Asserts that `kind` went exactly to `people`, once each, one address in To:, with the stable Message-ID. */
async function expectSentTo(approvalId: string, kind: string, people: Person[]) {
  await drain(env.db, env.sink);
  const list = await delivered(approvalId, kind);
  expect(list.map((d) => d.person?.name ?? d.row.recipient_id).sort()).toEqual(
    people.map((p) => p.name).sort(),
  );
  for (const d of list) {
    expect(d.row.status).toBe('sent');
    expect(d.emails, `${kind} to ${d.person?.name}`).toHaveLength(1);
    expect(d.row.message_id).toBe(expectedMessageId(d.row));
    expect(d.email.to).toEqual([d.person!.email.toLowerCase()]);
    expect(d.email.envelopeTo).toEqual([d.person!.email.toLowerCase()]);
  }
  return new Map(list.map((d) => [d.person!.name, d.email]));
}

/** French typography puts no-break spaces before colons and after « and n°; compare with plain spaces. */
const nbsp = /[\u00a0\u202f]/g;
const plain = (m: ReceivedEmail): ReceivedEmail => ({
  ...m,
  subject: m.subject.replace(nbsp, ' '),
  text: m.text.replace(nbsp, ' '),
  html: m.html.replace(nbsp, ' '),
});

const alsoAsked = (text: string, label: string) => text.split('\n').find((l) => l.startsWith(label)) ?? '';

beforeAll(async () => {
  env = await startMailEnv({ policy: null });
  const { api } = env;
  ws = await newWorkspace(api, {
    approvalsEnabled: true,
    contactApprovalEmails: true,
    contactsCanViewApprovals: true,
    appealsEnabled: true,
  });
  ada = ws.admin;
  bob = await addMember(api, ws, { name: 'Bob Baker' });
  claire = await addMember(api, ws, { name: 'Claire Chevalier', locale: 'fr' });
  dana = await addContact(api, ws, { name: 'Dana Dupont', locale: 'fr' });
  eve = await addContact(api, ws, { name: 'Eve Evans' });
  frank = await addMember(api, ws, { name: 'Frank Fisher', locale: 'en' });
  grace = await addMember(api, ws, { name: 'Grace Girard', locale: 'fr' });
  ivan = await addMember(api, ws, { name: 'Ivan Ibert', locale: 'fr' });
  henry = await addMember(api, ws, { name: 'Henry Hall' });
  jules = await addMember(api, ws, { name: 'Jules Joly' });
  for (const p of [ada, bob, claire, dana, eve, frank, grace, ivan, henry, jules]) byId.set(p.id, p);

  ticket = await ws.ticket(eve, { subject: SUBJECT, body: FIRST_MESSAGE, contactIds: [dana.id] });
  expectStatus(
    await api.post(
      `/tickets/${ticket.id}/messages`,
      { body: PUBLIC_REPLY, public: true },
      { token: ada.token },
    ),
    201,
  );
  expectStatus(
    await api.post(
      `/tickets/${ticket.id}/messages`,
      { body: INTERNAL_NOTE, public: false },
      { token: ada.token },
    ),
    201,
  );
  const template = expectStatus(
    await api.post(
      '/approval-templates',
      {
        name: 'Hardware purchase',
        allowAppeals: true,
        appealReviewers: [memberRef(grace)],
        steps: [
          {
            name: 'Budget check',
            approvers: [
              memberRef(bob),
              memberRef(claire),
              { type: 'ticket_contacts' },
              { type: 'ticket_requester' },
            ],
            rule: { type: 'all' },
          },
          { name: 'Director sign-off', approvers: [memberRef(frank)], rule: { type: 'any' } },
        ],
      },
      { token: ada.token },
    ),
    201,
  );
  templateId = template.id;
});

afterAll(() => env?.close());

describe(`SPEC §4 emails, recipients and content in English and French (${engine})`, () => {
  let approval: any;
  let requestedAt = 0;
  let firstEmails: Map<string, ReceivedEmail>;

  it('§4 step started: each approver of the first step is emailed once, contacts included (contactApprovalEmails on), within 5 s', async () => {
    const res = await env.api.post(
      `/tickets/${ticket.id}/approvals`,
      { templateId, title: TITLE, description: DESCRIPTION, onBehalfOf: memberRef(ivan) },
      { token: ada.token },
    );
    approval = expectStatus(res, 201);
    requestedAt = Date.now();
    const wanted = [bob, claire, dana, eve];
    const arrived = await env.sink.waitFor(
      (m) => wanted.some((p) => m.to.includes(p.email.toLowerCase())) && m.subject.includes(TITLE),
      5_000,
      4,
    );
    for (const m of arrived) expect(m.receivedAt - requestedAt).toBeLessThan(5_000);
    firstEmails = await expectSentTo(approval.id, 'approval_requested', wanted);
    // Nobody else heard about it yet: not the requester, not step 2's approver, not the reviewer.
    const others = [ada, frank, grace, ivan, henry, jules].map((p) => p.email.toLowerCase());
    expect(
      env.sink.messages.filter((m) => !isTicketEmail(m) && others.some((o) => m.to.includes(o))),
    ).toEqual([]);
  });

  it('§4 step started (en): request number and title, requester, description, ticket subject, public thread only, step, other approvers, three buttons with one personal token', async () => {
    const n = approval.number;
    for (const name of ['Bob Baker', 'Eve Evans']) {
      const m = firstEmails.get(name)!;
      expect(m.subject).toBe(`[Approval #${n}] ${TITLE} — your approval is requested`);
      expect(m.headers['content-language']).toBe('en');
      const t = m.text;
      expect(t).toContain('Your approval is requested');
      expect(t).toContain(`Ada Admin is asking for your approval on request #${n}, “${TITLE}”.`);
      expect(t).toContain(`Requested by: Ada Admin`);
      expect(t).toContain(`On behalf of: Ivan Ibert`);
      expect(t).toContain(DESCRIPTION);
      expect(t).toContain(`Ticket: #${ticket.number} — ${SUBJECT}`);
      expect(t).toContain(FIRST_MESSAGE);
      expect(t).toContain(PUBLIC_REPLY);
      expect(t).not.toContain('INTERNAL-ONLY');
      expect(m.html).not.toContain('INTERNAL-ONLY');
      expect(t).toContain('Step 1 of 2: Budget check');
      expect(t).toContain('Every approver must approve.');
      const others = alsoAsked(t, 'Also asked: ');
      const everyone = ['Bob Baker', 'Claire Chevalier', 'Dana Dupont', 'Eve Evans'];
      for (const other of everyone.filter((x) => x !== name)) expect(others).toContain(other);
      expect(others).not.toContain(name);
      // The three buttons carry one token, made for this person.
      const token = tokenOf(m);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const url = `${env.server.url}/respond/${token}`;
      expect(t).toContain(`Approve:\n${url}?decision=approve`);
      expect(t).toContain(`Deny:\n${url}?decision=deny`);
      expect(t).toContain(`Respond with feedback:\n${url}\n`);
      expect(m.html).toContain(`href="${url}?decision=approve"`);
      expect(m.html).toContain(`href="${url}?decision=deny"`);
      expect(m.html).toContain(`href="${url}"`);
      for (const label of ['Approve', 'Deny', 'Respond with feedback', 'Laptops for design', 'Ada Admin']) {
        expect(m.html).toContain(label);
      }
      // Rule 3: no other person's address in it.
      for (const p of [bob, claire, dana, eve, ada].filter((p) => p.name !== name)) {
        expect(t).not.toContain(p.email);
        expect(m.html).not.toContain(p.email);
      }
    }
    // Contacts are sent to the portal, members to the agent app.
    expect(firstEmails.get('Eve Evans')!.text).toContain(
      `/portal/tickets/${ticket.id}?approval=${approval.id}`,
    );
    expect(firstEmails.get('Bob Baker')!.text).toContain(
      `${env.server.url}/tickets/${ticket.id}?approval=${approval.id}`,
    );
  });

  it('§4 step started (fr): a member or contact with locale fr gets the French email', async () => {
    const n = approval.number;
    for (const name of ['Claire Chevalier', 'Dana Dupont']) {
      const m = firstEmails.get(name)!;
      expect(m.subject).toBe(`[Demande d'approbation n° ${n}] ${TITLE} — votre approbation est demandée`);
      expect(m.headers['content-language']).toBe('fr');
      const t = m.text;
      expect(t).toContain('Votre approbation est demandée');
      expect(t).toContain(`Ada Admin sollicite votre approbation pour la demande n° ${n}, « ${TITLE} ».`);
      expect(t).toContain('Demandée par : Ada Admin');
      expect(t).toContain(DESCRIPTION);
      expect(t).toContain(`Ticket : n° ${ticket.number} — ${SUBJECT}`);
      expect(t).toContain(PUBLIC_REPLY);
      expect(t).not.toContain('INTERNAL-ONLY');
      expect(t).toContain('Étape 1 sur 2 : Budget check');
      const others = alsoAsked(t, 'Également sollicités : ');
      for (const other of ['Bob Baker', 'Claire Chevalier', 'Dana Dupont', 'Eve Evans'].filter(
        (x) => x !== name,
      )) {
        expect(others).toContain(other);
      }
      const url = `${env.server.url}/respond/${tokenOf(m)}`;
      expect(t).toContain(`Approuver :\n${url}?decision=approve`);
      expect(t).toContain(`Refuser :\n${url}?decision=deny`);
      expect(t).toContain(`Répondre avec un commentaire :\n${url}\n`);
      expect(t).not.toContain('Your approval is requested');
    }
  });

  it('§4 links: every approver gets a different token, and only its hash is stored', async () => {
    const tokens = [...firstEmails.values()].map((m) => tokenOf(m));
    expect(new Set(tokens).size).toBe(4);
    const links = await env.db
      .selectFrom('approval_links')
      .select(['token_hash', 'person_id', 'step_index'])
      .where('approval_id', '=', approval.id)
      .execute();
    expect(links).toHaveLength(4);
    for (const l of links) {
      expect(l.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(tokens).not.toContain(l.token_hash);
    }
  });

  it('rule 7 / §4 recipients added: only the people added are emailed', async () => {
    const before = env.sink.messages.length;
    const res = await env.api.patch(
      `/approvals/${approval.id}/recipients`,
      { add: [memberRef(henry)] },
      { token: ada.token },
    );
    expectStatus(res, 200);
    await env.sink.waitFor((m) => m.to.includes(henry.email.toLowerCase()), 5_000);
    const sent = await expectSentTo(approval.id, 'approval_requested', [bob, claire, dana, eve, henry]);
    const h = sent.get('Henry Hall')!;
    expect(h.subject).toBe(`[Approval #${approval.number}] ${TITLE} — your approval is requested`);
    expect(tokenOf(h)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(env.sink.messages.slice(before).map((m) => m.to)).toEqual([[henry.email.toLowerCase()]]);
  });

  it('rule 8 / §4 reminder: the named approver gets a reminder with a fresh link, nobody else', async () => {
    const before = env.sink.messages.length;
    const res = await env.api.post(
      `/approvals/${approval.id}/reminders`,
      { approver: memberRef(claire) },
      { token: ada.token },
    );
    expectStatus(res, 200);
    const sent = await expectSentTo(approval.id, 'approval_reminder', [claire]);
    const m = sent.get('Claire Chevalier')!;
    expect(m.subject).toBe(
      `[Demande d'approbation n° ${approval.number}] ${TITLE} — rappel : votre réponse est attendue`,
    );
    expect(m.text).toContain('Merci de prendre un moment pour y répondre.');
    const fresh = tokenOf(m);
    expect(fresh).not.toBe(tokenOf(firstEmails.get('Claire Chevalier')!));
    expect(env.sink.messages.slice(before)).toHaveLength(1);
  });

  it('§4 decision recorded: the requester is told who decided, with the comment; approvers are not', async () => {
    const before = env.sink.messages.length;
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'approve', comment: 'Fine by me, go ahead.' },
        { token: bob.token },
      ),
      200,
    );
    const sent = await expectSentTo(approval.id, 'decision_recorded', [ada]);
    const m = sent.get('Ada Admin')!;
    expect(m.subject).toBe(`[Approval #${approval.number}] ${TITLE} — approved by Bob Baker`);
    expect(m.text).toContain(`Bob Baker approved request #${approval.number}, “${TITLE}”.`);
    expect(m.text).toContain('Fine by me, go ahead.');
    expect(tokensIn(m)).toEqual([]);
    expect(env.sink.messages.slice(before).map((x) => x.to)).toEqual([[ada.email.toLowerCase()]]);
  });

  it('§4 step 2 starts when step 1 completes: its approver is emailed with "Step 2 of 2"', async () => {
    for (const p of [claire, dana, eve, henry]) {
      expectStatus(
        await env.api.post(
          `/approvals/${approval.id}/decisions`,
          { decision: 'approve' },
          { token: p.token },
        ),
        200,
      );
    }
    await drain(env.db, env.sink);
    const list = (await delivered(approval.id, 'approval_requested')).filter((d) => d.person === frank);
    expect(list).toHaveLength(1);
    expect(list[0]!.emails).toHaveLength(1);
    const m = list[0]!.email;
    expect(m.to).toEqual([frank.email.toLowerCase()]);
    expect(m.text).toContain('Step 2 of 2: Director sign-off');
    expect(m.text).toContain('Nobody else: you are the only person asked on this step.');
    expect(tokenOf(m)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // One decision email per decision, all to the requester.
    const decisions = await delivered(approval.id, 'decision_recorded');
    expect(decisions.map((d) => d.person?.name)).toEqual(Array(5).fill('Ada Admin'));
  });

  it('§4 approved: the requester (en) and the member on whose behalf it was asked (fr) are told', async () => {
    expectStatus(
      await env.api.post(
        `/approvals/${approval.id}/decisions`,
        { decision: 'approve' },
        { token: frank.token },
      ),
      200,
    );
    const sent = await expectSentTo(approval.id, 'approval_approved', [ada, ivan]);
    const en = sent.get('Ada Admin')!;
    expect(en.subject).toBe(`[Approval #${approval.number}] ${TITLE} — approved`);
    expect(en.text).toContain(
      `Request #${approval.number}, “${TITLE}”, has been approved. Work on ticket #${ticket.number} can go ahead.`,
    );
    const fr = sent.get('Ivan Ibert')!;
    expect(fr.subject).toBe(`[Demande d'approbation n° ${approval.number}] ${TITLE} — approuvée`);
    expect(fr.text).toContain(`La demande n° ${approval.number}, « ${TITLE} », a été approuvée.`);
    expect(tokensIn(en)).toEqual([]);
    expect(tokensIn(fr)).toEqual([]);
    expect(await delivered(approval.id, 'approval_denied')).toEqual([]);
    // The final approval is one email per person too (SPEC §8.1): Frank's decision is told in
    // approval_approved, with no decision_recorded email beside it.
    const frankDecision = await env.db
      .selectFrom('outbox')
      .select('id')
      .where('approval_id', '=', approval.id)
      .where('kind', '=', 'decision_recorded')
      .where(sql<string>`payload->'by'->>'id'`, '=', frank.id)
      .execute();
    expect(frankDecision).toEqual([]);
  });

  describe('denial and appeal', () => {
    let second: any;

    it('§4 denied: the requester is told', async () => {
      second = expectStatus(
        await env.api.post(`/tickets/${ticket.id}/approvals`, { templateId }, { token: ada.token }),
        201,
      );
      expect(second.title).toBe('Hardware purchase');
      await expectSentTo(second.id, 'approval_requested', [bob, claire, dana, eve]);
      expectStatus(
        await env.api.post(
          `/approvals/${second.id}/decisions`,
          { decision: 'deny', comment: 'Not this quarter.' },
          { token: dana.token },
        ),
        200,
      );
      const sent = await expectSentTo(second.id, 'approval_denied', [ada]);
      const m = sent.get('Ada Admin')!;
      expect(m.subject).toBe(`[Approval #${second.number}] Hardware purchase — denied`);
      expect(m.text).toContain(`Request #${second.number}, “Hardware purchase”, has been denied.`);
      // SPEC §8.1, one event, one email per recipient (issue 11 item 9): the denial email carries the
      // deciding comment and no separate decision email is sent for the same decision.
      expect(m.text).toContain('Comment from Dana Dupont');
      expect(m.text).toContain('Not this quarter.');
      await expectSentTo(second.id, 'decision_recorded', []);
      const toAda = env.sink.messages.filter(
        (e) => e.to.includes(ada.email.toLowerCase()) && e.subject.startsWith(`[Approval #${second.number}]`),
      );
      expect(toAda.map((e) => e.subject)).toEqual([
        `[Approval #${second.number}] Hardware purchase — denied`,
      ]);
    });

    it('§4 appeal requested: the reviewers get the reason and links (fr)', async () => {
      expectStatus(
        await env.api.post(
          `/approvals/${second.id}/appeal`,
          { reason: 'The old laptops fail every week.' },
          { token: eve.token },
        ),
        200,
      );
      const sent = await expectSentTo(second.id, 'appeal_requested', [grace]);
      const m = sent.get('Grace Girard')!;
      expect(m.subject).toBe(
        `[Demande d'approbation n° ${second.number}] Hardware purchase — un recours attend votre examen`,
      );
      expect(m.text).toContain('Eve Evans conteste le refus de la demande');
      expect(m.text).toContain('The old laptops fail every week.');
      const url = `${env.server.url}/respond/${tokenOf(m)}`;
      expect(m.text).toContain(`Approuver :\n${url}?decision=approve`);
      expect(m.text).toContain(`Refuser :\n${url}?decision=deny`);
    });

    it('§4 appeal decided: the requester and the appellant (a contact) are told, the reviewer who decided is not', async () => {
      expectStatus(
        await env.api.post(
          `/approvals/${second.id}/appeal/decisions`,
          { decision: 'approve', comment: 'Agreed, replace them.' },
          { token: grace.token },
        ),
        200,
      );
      const sent = await expectSentTo(second.id, 'appeal_decided', [ada, eve]);
      for (const name of ['Ada Admin', 'Eve Evans']) {
        const m = sent.get(name)!;
        expect(m.subject).toBe(`[Approval #${second.number}] Hardware purchase — appeal accepted`);
        expect(m.text).toContain(
          `Grace Girard accepted the appeal on request #${second.number}, “Hardware purchase”: the request is now approved.`,
        );
        expect(m.text).toContain('Agreed, replace them.');
        expect(tokensIn(m)).toEqual([]);
      }
      // The appeal_decided email says how it ended: no separate approved email.
      expect(await delivered(second.id, 'approval_approved')).toEqual([]);
    });
  });

  it('rule 9 / §4 canceled: approvers who had not answered and the requester are told, not the one who answered nor the canceler', async () => {
    const third = expectStatus(
      await env.api.post(
        `/tickets/${ticket.id}/approvals`,
        {
          title: 'Monitor stands',
          approvers: [memberRef(bob), memberRef(frank), contactRef(dana)],
          rule: { type: 'all' },
        },
        { token: jules.token },
      ),
      201,
    );
    await expectSentTo(third.id, 'approval_requested', [bob, frank, dana]);
    expectStatus(
      await env.api.post(`/approvals/${third.id}/decisions`, { decision: 'approve' }, { token: bob.token }),
      200,
    );
    expectStatus(await env.api.post(`/approvals/${third.id}/cancel`, undefined, { token: ada.token }), 200);
    const sent = await expectSentTo(third.id, 'approval_canceled', [frank, dana, jules]);
    expect(sent.get('Frank Fisher')!.subject).toBe(`[Approval #${third.number}] Monitor stands — canceled`);
    expect(sent.get('Frank Fisher')!.text).toContain(
      `Ada Admin canceled request #${third.number}, “Monitor stands”.`,
    );
    expect(sent.get('Dana Dupont')!.subject).toBe(
      `[Demande d'approbation n° ${third.number}] Monitor stands — annulée`,
    );
    expect(sent.get('Dana Dupont')!.text).toContain(
      "Plus personne n'a besoin d'y répondre, et les liens des e-mails précédents ne fonctionnent plus.",
    );
    expect(sent.get('Jules Joly')!.text).toContain('Nobody needs to answer it any more');
  });
});

describe(`SPEC §4 recipients and locale rules (${engine})`, () => {
  it('§4 contacts are emailed only with contactApprovalEmails on; members always', async () => {
    const other = await newWorkspace(env.api, { approvalsEnabled: true });
    const member = await addMember(env.api, other, { name: 'Mona Member' });
    const contact = await addContact(env.api, other, { name: 'Carl Contact' });
    const t = await other.ticket(contact);
    const a = expectStatus(
      await env.api.post(
        `/tickets/${t.id}/approvals`,
        { title: 'Quiet contact', approvers: [memberRef(member), contactRef(contact)] },
        { token: other.admin.token },
      ),
      201,
    );
    await drain(env.db, env.sink);
    const rows = await env.db
      .selectFrom('outbox')
      .select(['recipient_type', 'recipient_id'])
      .where('approval_id', '=', a.id)
      .execute();
    expect(rows).toEqual([{ recipient_type: 'member', recipient_id: member.id }]);
    // The new ticket's acknowledgement and notice are not approval emails (SPEC §8.2).
    expect(env.sink.messages.filter(nonTicketTo(member))).toHaveLength(1);
    expect(env.sink.messages.filter(nonTicketTo(contact))).toEqual([]);
  });

  it('§4 stable Message-ID: one per event and recipient, the same when a row is delivered again', async () => {
    const ws2 = await newWorkspace(env.api, { approvalsEnabled: true });
    const m1 = await addMember(env.api, ws2, { name: 'Stable One' });
    const m2 = await addMember(env.api, ws2, { name: 'Stable Two' });
    const c = await addContact(env.api, ws2, { name: 'Stable Contact' });
    const t = await ws2.ticket(c);
    const a = expectStatus(
      await env.api.post(
        `/tickets/${t.id}/approvals`,
        { title: 'Stable ids', approvers: [memberRef(m1), memberRef(m2)] },
        { token: ws2.admin.token },
      ),
      201,
    );
    for (const p of [m1, m2]) byId.set(p.id, p);
    const list = [...(await expectSentTo(a.id, 'approval_requested', [m1, m2])).values()];
    const rows = await delivered(a.id, 'approval_requested');
    expect(new Set(rows.map((d) => d.row.event_id)).size).toBe(1);
    expect(new Set(list.map((m) => m.messageId)).size).toBe(2);
    // A worker that died after sending but before recording sends the row again: same Message-ID.
    const row = rows.find((d) => d.person === m1)!.row;
    await env.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: new Date(0), locked_until: null })
      .where('id', '=', row.id)
      .execute();
    await drain(env.db, env.sink);
    const again = env.sink.messages.filter((m) => m.messageId === row.message_id);
    expect(again).toHaveLength(2);
    expect(again[1]!.subject).toBe(again[0]!.subject);
    expect(again[1]!.to).toEqual([m1.email.toLowerCase()]);
    expect(env.sink.messages.filter(nonTicketTo(m2))).toHaveLength(1);
  });

  it('§4 the recipient locale wins, then the workspace defaultLocale (fr)', async () => {
    const other = await newWorkspace(env.api, {
      approvalsEnabled: true,
      contactApprovalEmails: true,
      defaultLocale: 'fr',
    });
    const noLocale = await addMember(env.api, other, { name: 'Paul Plain' });
    const english = await addMember(env.api, other, { name: 'Emma English', locale: 'en' });
    const contact = await addContact(env.api, other, { name: 'Chloé Contact' });
    const t = await other.ticket(contact);
    const a = expectStatus(
      await env.api.post(
        `/tickets/${t.id}/approvals`,
        { title: 'Locale check', approvers: [memberRef(noLocale), memberRef(english), contactRef(contact)] },
        { token: other.admin.token },
      ),
      201,
    );
    await drain(env.db, env.sink);
    const of = (p: Person) => env.sink.messages.filter(nonTicketTo(p)).map(plain);
    expect(of(noLocale)).toHaveLength(1);
    expect(of(noLocale)[0]!.subject).toBe(
      `[Demande d'approbation n° ${a.number}] Locale check — votre approbation est demandée`,
    );
    expect(of(contact)[0]!.subject).toContain("[Demande d'approbation n° ");
    expect(of(contact)[0]!.headers['content-language']).toBe('fr');
    expect(of(english)[0]!.subject).toBe(`[Approval #${a.number}] Locale check — your approval is requested`);
    expect(of(english)[0]!.text).toContain('One approval from any of the approvers is enough.');
  });
});
