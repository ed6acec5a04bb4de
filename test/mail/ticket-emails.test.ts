import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket, addMessage as repoAddMessage } from '../../src/tickets/repo.js';
import { expectStatus } from '../support/approvals.js';
import type { ReceivedEmail } from '../support/smtp-sink.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import { addContact, addMember, drain, type MailEnv, startMailEnv } from './harness.js';

/**
 * SPEC §8.2 "Helpdesk notifications" and §8.6, through a real SMTP server: a public agent message is
 * emailed to the requester and the ticket's contacts (not its author, never an internal note, no
 * Auto-Submitted); a new ticket is acknowledged to its requester (Auto-Submitted; off by setting; never
 * in answer to an automatic email); a new ticket or a customer's reply reaches the assignee, or every
 * active member when unassigned, save the author and those whose profile switch is off. Every email of a
 * ticket threads (Message-ID, In-Reply-To, References), carries `[#number]` and the ticket's Reply-To.
 */

let env: MailEnv;
let ws: Workspace;
let ada: Person; // admin
let amy: Person; // agent
let ben: Person; // agent who turns both switches off
let dan: Person; // agent, deactivated
let fay: Person; // agent, French
let eve: Person; // requester (contact)
let carl: Person; // contact of some tickets
let slug: string;

const header = (m: ReceivedEmail, name: string): string | undefined => {
  const v = m.headers[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'object' && v && 'text' in v) return String(v.text);
  return String(v);
};
const refs = (m: ReceivedEmail): string[] => {
  const v = m.headers.references;
  const all = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/\s+/) : [];
  return all.filter((s: string) => s.length > 0);
};

/** Emails of one ticket (by its `[#number]`), once the outbox is empty; from the `since`-th email received. */
async function ticketMails(number: number, since = 0): Promise<ReceivedEmail[]> {
  await drain(env.db, env.sink);
  return env.sink.messages.slice(since).filter((m) => m.subject.includes(`[#${number}]`));
}
/** Where the next email will arrive in the sink (all sent so far have arrived). */
async function mark(): Promise<number> {
  await drain(env.db, env.sink);
  return env.sink.messages.length;
}
const toWho = (mails: ReceivedEmail[], p: Person) =>
  mails.filter((m) => m.to.includes(p.email.toLowerCase()));
const kindOf = async (m: ReceivedEmail) =>
  (
    await env.db
      .selectFrom('outbox')
      .select('kind')
      .where('message_id', '=', m.messageId)
      .executeTakeFirstOrThrow()
  ).kind;

async function post(path: string, body: unknown, who: Person) {
  return env.api.post(path, body, { token: who.token });
}

beforeAll(async () => {
  env = await startMailEnv({ policy: null });
  const { api } = env;
  ws = await newWorkspace(api, {});
  ada = ws.admin;
  [amy, ben, dan] = (await Promise.all(
    ['Amy Agent', 'Ben Busy', 'Dan Gone'].map((name) => addMember(api, ws, { name })),
  )) as [Person, Person, Person];
  fay = await addMember(api, ws, { name: 'Fay Français', locale: 'fr' });
  eve = await addContact(api, ws, { name: 'Eve Evans' });
  carl = await addContact(api, ws, { name: 'Carl Client' });
  expectStatus(await api.patch(`/members/${dan.id}`, { active: false }, { token: ada.token }), 200);
  const me = expectStatus(
    await api.patch(
      '/me',
      { notifications: { newTickets: false, customerReplies: false } },
      { token: ben.token },
    ),
    200,
  );
  expect(me.notifications).toEqual({ newTickets: false, customerReplies: false });
  slug = expectStatus(await api.get('/settings', { token: ada.token }), 200).slug;
  await drain(env.db, env.sink);
});
afterAll(() => env?.close());

describe('SPEC §8.2 new ticket: acknowledgement and notices', () => {
  it('SPEC §8.2: a ticket opened by an agent is acknowledged to its requester (auto-generated) and noticed to every active member whose switch is on, not the author', async () => {
    const t = expectStatus(
      await post(
        '/tickets',
        { subject: 'Printer on fire', body: 'Smoke <b>everywhere</b>.', requesterId: eve.id },
        amy,
      ),
      201,
    );
    const mails = await ticketMails(t.number);
    const ack = toWho(mails, eve);
    expect(ack).toHaveLength(1);
    expect(await kindOf(ack[0]!)).toBe('ticket_acknowledged');
    expect(ack[0]!.subject).toBe(`[#${t.number}] Printer on fire`);
    expect(header(ack[0]!, 'auto-submitted')).toBe('auto-generated');
    expect(ack[0]!.text).toContain('Reply to this email to add to the ticket.');
    expect(ack[0]!.text).toContain(`/portal/tickets/${t.id}`);
    expect(ack[0]!.html).toContain('Smoke &lt;b&gt;everywhere&lt;/b&gt;.');
    // Notices: Ada (admin) and Fay; not Amy (author), Ben (switch off), Dan (deactivated).
    expect(toWho(mails, ada)).toHaveLength(1);
    expect(toWho(mails, fay)).toHaveLength(1);
    expect(toWho(mails, amy)).toHaveLength(0);
    expect(toWho(mails, ben)).toHaveLength(0);
    expect(toWho(mails, dan)).toHaveLength(0);
    expect(mails).toHaveLength(3);
    const notice = toWho(mails, ada)[0]!;
    expect(await kindOf(notice)).toBe('ticket_created_notice');
    expect(header(notice, 'auto-submitted')).toBe('auto-generated');
    expect(notice.text).toContain(`/tickets/${t.id}`);
    expect(notice.text).not.toContain('/portal/');
    // Recipient locale, as the approval emails pick it.
    const french = toWho(mails, fay)[0]!;
    expect(french.headers['content-language']).toBe('fr');
    expect(french.text).toContain('Répondez à cet e-mail pour compléter le ticket.');
  });

  it('SPEC §8.2: a new ticket with an assignee notices only the assignee', async () => {
    const t = expectStatus(
      await post(
        '/tickets',
        { subject: 'Assigned one', body: 'Hi', requesterId: eve.id, assigneeId: fay.id },
        ada,
      ),
      201,
    );
    const mails = await ticketMails(t.number);
    expect(toWho(mails, fay)).toHaveLength(1);
    expect(toWho(mails, amy)).toHaveLength(0);
    expect(toWho(mails, ada)).toHaveLength(0);
    expect(toWho(mails, eve)).toHaveLength(1);
  });

  it('SPEC §8.2: acknowledgeNewTickets off: no acknowledgement, the agents are still told', async () => {
    await ws.settings({ acknowledgeNewTickets: false });
    try {
      const t = expectStatus(
        await post('/tickets', { subject: 'No ack', body: 'Hi', requesterId: eve.id }, amy),
        201,
      );
      const mails = await ticketMails(t.number);
      expect(toWho(mails, eve)).toHaveLength(0);
      expect(toWho(mails, ada)).toHaveLength(1);
    } finally {
      await ws.settings({ acknowledgeNewTickets: true });
    }
  });

  it('SPEC §8.2 RFC 3834: a ticket from an automatic email is never acknowledged; one from a person is, auto-replied, answering that email', async () => {
    const auto = await createTicket(env.db, { type: 'contact', id: eve.id }, ws.id, {
      subject: 'Out of office',
      body: 'I am away.',
      requesterId: eve.id,
      contactIds: [],
      assigneeId: amy.id,
      origin: { channel: 'email', inboundMessageId: randomUUID(), autoSubmitted: true },
      emailThreadId: '<auto-1@customer.example>',
    });
    const autoMails = await ticketMails(auto.number);
    expect(toWho(autoMails, eve)).toHaveLength(0);
    expect(toWho(autoMails, amy)).toHaveLength(1);

    const human = await createTicket(env.db, { type: 'contact', id: eve.id }, ws.id, {
      subject: 'Help by email',
      body: 'Please help.',
      requesterId: eve.id,
      contactIds: [],
      assigneeId: amy.id,
      origin: { channel: 'email', inboundMessageId: randomUUID(), autoSubmitted: false },
      emailThreadId: '<human-1@customer.example>',
    });
    const mails = await ticketMails(human.number);
    const ack = toWho(mails, eve);
    expect(ack).toHaveLength(1);
    expect(header(ack[0]!, 'auto-submitted')).toBe('auto-replied');
    expect(ack[0]!.subject).toBe(`Re: [#${human.number}] Help by email`);
    expect(header(ack[0]!, 'in-reply-to')).toBe('<human-1@customer.example>');
    expect(refs(ack[0]!)).toEqual(['<human-1@customer.example>']);
    // The requester wrote it: the assignee's notice says who opened it.
    expect(toWho(mails, amy)[0]!.text).toContain('Eve Evans opened ticket');
  });
});

describe('SPEC §8.2 messages', () => {
  it('SPEC §8.2: an agent public message reaches the requester and every contact, not its author, with no Auto-Submitted; threads under the ticket root with its Reply-To', async () => {
    const t = expectStatus(
      await post(
        '/tickets',
        { subject: 'Thread me', body: 'First', requesterId: eve.id, contactIds: [carl.id] },
        amy,
      ),
      201,
    );
    const firstMails = await ticketMails(t.number);
    const ack = toWho(firstMails, eve)[0]!;
    const domain = new URL(env.server.url).hostname;
    const root = `<ticket.${t.id}@${domain}>`;
    expect(header(ack, 'in-reply-to')).toBe(root);
    const since = await mark();

    expectStatus(await post(`/tickets/${t.id}/messages`, { body: 'We are on it.', public: true }, amy), 201);
    const mails = await ticketMails(t.number, since);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(
      [eve.email, carl.email].map((e) => e.toLowerCase()).sort(),
    );
    const token = (
      await env.db
        .selectFrom('tickets')
        .select('reply_token')
        .where('workspace_id', '=', ws.id)
        .where('id', '=', t.id)
        .executeTakeFirstOrThrow()
    ).reply_token;
    for (const m of mails) {
      expect(await kindOf(m)).toBe('ticket_message');
      expect(m.headers['auto-submitted']).toBeUndefined();
      expect(m.subject).toBe(`Re: [#${t.number}] Thread me`);
      expect(header(m, 'in-reply-to')).toBe(root);
      expect(refs(m)).toEqual([root]);
      expect(m.headers['reply-to'].value[0].address).toBe(`${slug}+t${token}@${domain}`);
      expect(m.text).toContain('We are on it.');
      // The reply line stands above the quoted history.
      const hint = m.text.indexOf('Reply to this email to add to the ticket.');
      const history = m.text.indexOf('Earlier in this conversation');
      expect(hint).toBeGreaterThan(-1);
      expect(history).toBeGreaterThan(hint);
      expect(m.text.slice(history)).toContain('First');
    }
    // Each Message-ID is the one the worker stored, which the inbound pipeline matches replies by.
    const stored = await env.db
      .selectFrom('outbox')
      .select('message_id')
      .where('ticket_id', '=', t.id)
      .where('kind', '=', 'ticket_message')
      .execute();
    expect(stored.map((r) => r.message_id).sort()).toEqual(mails.map((m) => m.messageId).sort());
  });

  it('SPEC §8.2: an internal note emails nobody', async () => {
    const t = await ws.ticket(eve);
    const since = await mark();
    expectStatus(await post(`/tickets/${t.id}/messages`, { body: 'Secret note', public: false }, amy), 201);
    expect(await ticketMails(t.number, since)).toHaveLength(0);
  });

  it('SPEC §8.2: a customer reply reaches the assignee only (not the contact author), auto-generated; References carry the email it came as', async () => {
    const t = expectStatus(
      await post(
        '/tickets',
        { subject: 'Reply flow', body: 'Start', requesterId: eve.id, assigneeId: amy.id },
        ada,
      ),
      201,
    );
    const since = await mark();
    expectStatus(await post(`/tickets/${t.id}/messages`, { body: 'Any news?', public: true }, eve), 201);
    let mails = await ticketMails(t.number, since);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([amy.email.toLowerCase()]);
    expect(await kindOf(mails[0]!)).toBe('customer_replied');
    expect(header(mails[0]!, 'auto-submitted')).toBe('auto-generated');
    expect(mails[0]!.text).toContain('Any news?');

    // An emailed reply: References = the root, then that email's Message-ID.
    const since2 = await mark();
    const inboundId = randomUUID();
    await env.db
      .insertInto('inbound_messages')
      .values({
        workspace_id: ws.id,
        id: inboundId,
        message_id: '<reply-7@customer.example>',
        via: 'http',
        from_address: eve.email,
        subject: `Re: [#${t.number}] Reply flow`,
        recipients: JSON.stringify([]),
        auth: JSON.stringify({}),
        auto_submitted: false,
        outcome: 'message',
        ticket_id: t.id,
        size_bytes: 10,
        raw: Buffer.from('x'),
      } as never)
      .execute();
    await repoAddMessage(env.db, { type: 'contact', id: eve.id }, ws.id, t.id, {
      body: 'By email',
      public: true,
      origin: { channel: 'email', inboundMessageId: inboundId, autoSubmitted: false },
    });
    mails = await ticketMails(t.number, since2);
    expect(mails).toHaveLength(1);
    const domain = new URL(env.server.url).hostname;
    expect(refs(mails[0]!)).toEqual([`<ticket.${t.id}@${domain}>`, '<reply-7@customer.example>']);
  });

  it('SPEC §8.2: unassigned, a customer reply reaches every active member whose switch is on', async () => {
    const t = await ws.ticket(eve);
    const since = await mark();
    expectStatus(await post(`/tickets/${t.id}/messages`, { body: 'Hello?', public: true }, eve), 201);
    const mails = await ticketMails(t.number, since);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(
      [ada, amy, fay].map((p) => p.email.toLowerCase()).sort(),
    );
  });
});

describe('SPEC §8.3 profile notification preferences', () => {
  it('SPEC §8.3: GET and PATCH /me round-trip a member’s switches; a switch left out keeps its value', async () => {
    const before = expectStatus(await env.api.get('/me', { token: amy.token }), 200);
    expect(before.notifications).toEqual({ newTickets: true, customerReplies: true });
    const after = expectStatus(
      await env.api.patch('/me', { notifications: { customerReplies: false } }, { token: amy.token }),
      200,
    );
    expect(after.notifications).toEqual({ newTickets: true, customerReplies: false });
    expect(expectStatus(await env.api.get('/me', { token: amy.token }), 200).notifications).toEqual({
      newTickets: true,
      customerReplies: false,
    });
    expectStatus(
      await env.api.patch('/me', { notifications: { customerReplies: true } }, { token: amy.token }),
      200,
    );
  });

  it('SPEC §8.3: a contact has no switches: absent from /me, and PATCH refuses them with 400, changing nothing', async () => {
    const me = expectStatus(await env.api.get('/me', { token: carl.token }), 200);
    expect(me.notifications).toBeUndefined();
    const res = await env.api.patch(
      '/me',
      { name: 'Carl Changed', notifications: { newTickets: false } },
      { token: carl.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(expectStatus(await env.api.get('/me', { token: carl.token }), 200).name).toBe('Carl Client');
  });
});
