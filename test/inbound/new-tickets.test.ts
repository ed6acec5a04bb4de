import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client } from '../support/client.js';
import {
  fakeResolver,
  INBOUND_DOMAIN,
  INBOUND_ENV,
  inboundAddressOf,
  postInbound,
  rawMessage,
  TEST_MAIL_DOMAIN,
} from '../support/inbound.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';

let server: TestServer;
let api: Client;
let ws: Workspace;
let address: string;

beforeAll(async () => {
  server = await startServer({ env: INBOUND_ENV, dnsResolver: fakeResolver() });
  api = client(server.url);
  ws = await newWorkspace(api);
  address = await inboundAddressOf(api, ws.admin.token);
});
afterAll(async () => server?.close());

const db = () => server.database.handle.db;

async function inboundRow(messageId: string) {
  return db()
    .selectFrom('inbound_messages')
    .selectAll()
    .where('workspace_id', '=', ws.id)
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
}

async function count(
  table: 'tickets' | 'contacts' | 'ticket_messages' | 'inbound_messages',
  workspaceId = ws.id,
) {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE workspace_id = ${workspaceId}`.execute(db());
  return rows[0]!.n;
}

describe('SPEC §8.2 inbound mail makes tickets', () => {
  it('SPEC §8.2: a message from an unknown address creates a contact and a ticket', async () => {
    const raw = await rawMessage({
      from: 'Nora Newcomer <nora@customer.test>',
      to: address,
      subject: 'Printer on fire',
      text: 'It is really on fire.',
    });
    const res = await postInbound(server.url, raw);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.outcome).toBe('ticket_created');
    const ticket = await api.get(`/tickets/${res.body.ticketId}`, { token: ws.admin.token });
    expect(ticket.status).toBe(200);
    expect(ticket.body.subject).toBe('Printer on fire');
    expect(ticket.body.requester.name).toBe('Nora Newcomer');
    const contact = await db()
      .selectFrom('contacts')
      .select(['id', 'email'])
      .where('workspace_id', '=', ws.id)
      .where('email', '=', 'nora@customer.test')
      .executeTakeFirstOrThrow();
    expect(ticket.body.requesterId).toBe(contact.id);
    expect(ticket.body.messages[0]).toMatchObject({
      body: 'It is really on fire.',
      channel: 'email',
      public: true,
      author: { type: 'contact', id: contact.id },
    });
    const row = await db()
      .selectFrom('tickets')
      .select('email_thread_id')
      .where('id', '=', res.body.ticketId)
      .executeTakeFirstOrThrow();
    expect(row.email_thread_id).toMatch(/^<[^<>]+>$/);
    const inbound = await inboundRow(row.email_thread_id!.slice(1, -1));
    expect(inbound).toMatchObject({ outcome: 'ticket_created', ticket_id: res.body.ticketId, via: 'http' });
    expect(Buffer.from(inbound.raw).equals(raw)).toBe(true);
  });

  it('SPEC §8.2: a contact without a display name is named by the local part of the address', async () => {
    const res = await postInbound(
      server.url,
      await rawMessage({ from: 'plain.person@customer.test', to: address, subject: 'x', text: 'y' }),
    );
    expect(res.body.outcome).toBe('ticket_created');
    const ticket = await api.get(`/tickets/${res.body.ticketId}`, { token: ws.admin.token });
    expect(ticket.body.requester.name).toBe('plain.person');
  });

  it('SPEC §8.2: a message from a known contact makes a ticket of theirs, no new contact', async () => {
    const known = await ws.contact();
    const contacts = await count('contacts');
    const res = await postInbound(
      server.url,
      await rawMessage({ from: known.email.toUpperCase(), to: address, subject: 'Known', text: 'Me again' }),
    );
    expect(res.body.outcome).toBe('ticket_created');
    expect(await count('contacts')).toBe(contacts);
    const ticket = await api.get(`/tickets/${res.body.ticketId}`, { token: known.token });
    expect(ticket.status).toBe(200);
    expect(ticket.body.requesterId).toBe(known.id);
  });

  it('SPEC §8.2: acceptMailFromUnknownSenders off: dropped, nothing kept but the inbound row', async () => {
    const closed = await newWorkspace(api, { acceptMailFromUnknownSenders: false });
    const closedAddress = await inboundAddressOf(api, closed.admin.token);
    const [tickets, contacts, messages] = [
      await count('tickets', closed.id),
      await count('contacts', closed.id),
      await count('ticket_messages', closed.id),
    ];
    const raw = await rawMessage({
      from: 'stranger@customer.test',
      to: closedAddress,
      subject: 'Hi',
      text: 'x',
    });
    const res = await postInbound(server.url, raw);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ outcome: 'dropped', ticketId: null });
    expect(await count('tickets', closed.id)).toBe(tickets);
    expect(await count('contacts', closed.id)).toBe(contacts);
    expect(await count('ticket_messages', closed.id)).toBe(messages);
    const rows = await db()
      .selectFrom('inbound_messages')
      .select(['outcome', 'from_address'])
      .where('workspace_id', '=', closed.id)
      .execute();
    expect(rows).toEqual([{ outcome: 'dropped', from_address: 'stranger@customer.test' }]);
    // A known contact is still heard.
    const known = await closed.contact();
    const fromKnown = await postInbound(
      server.url,
      await rawMessage({ from: known.email, to: closedAddress, subject: 'Hi', text: 'x' }),
    );
    expect(fromKnown.body.outcome).toBe('ticket_created');
  });

  it('SPEC §8.2: a second delivery of the same Message-ID is 202 duplicate and adds nothing', async () => {
    const raw = await rawMessage({
      from: 'dup@customer.test',
      to: address,
      subject: 'Twice',
      text: 'Once only',
      messageId: '<same-id-1@customer.test>',
    });
    const first = await postInbound(server.url, raw);
    expect(first.body.outcome).toBe('ticket_created');
    const [tickets, messages, inbound] = [
      await count('tickets'),
      await count('ticket_messages'),
      await count('inbound_messages'),
    ];
    const second = await postInbound(server.url, raw);
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ outcome: 'duplicate', ticketId: null });
    // Same Message-ID, other bytes (a provider re-wrapping the message): still the same message.
    const rewrapped = await rawMessage({
      from: 'dup@customer.test',
      to: address,
      subject: 'Twice',
      text: 'Once only, again',
      messageId: '<same-id-1@customer.test>',
    });
    expect((await postInbound(server.url, rewrapped)).body.outcome).toBe('duplicate');
    expect([await count('tickets'), await count('ticket_messages'), await count('inbound_messages')]).toEqual(
      [tickets, messages, inbound],
    );
  });

  it('SPEC §8.2: without a Message-ID, one is made from the content, so a re-delivery is still a duplicate', async () => {
    const raw = Buffer.from(
      `From: noid@customer.test\r\nTo: ${address}\r\nSubject: No id\r\n\r\nNo Message-ID here.\r\n`,
    );
    const first = await postInbound(server.url, raw);
    expect(first.body.outcome).toBe('ticket_created');
    const second = await postInbound(server.url, raw);
    expect(second.body.outcome).toBe('duplicate');
    const ids = await db()
      .selectFrom('inbound_messages')
      .select('message_id')
      .where('workspace_id', '=', ws.id)
      .where('from_address', '=', 'noid@customer.test')
      .execute();
    expect(ids).toHaveLength(1);
    expect(ids[0]!.message_id).toMatch(/^[0-9a-f]{40}@/);
  });

  it('SPEC §8.2: at most 20 tickets an hour from one sender: the 21st is dropped, replies are not counted', async () => {
    const sender = 'busy@customer.test';
    let firstTicket = '';
    for (let i = 1; i <= 20; i++) {
      const res = await postInbound(
        server.url,
        await rawMessage({ from: sender, to: address, subject: `Request ${i}`, text: `number ${i}` }),
      );
      expect(res.body.outcome, `message ${i}`).toBe('ticket_created');
      if (i === 1) firstTicket = res.body.ticketId;
    }
    const tickets = await count('tickets');
    const over = await postInbound(
      server.url,
      await rawMessage({ from: sender, to: address, subject: 'Request 21', text: 'one too many' }),
    );
    expect(over.body).toEqual({ outcome: 'dropped', ticketId: null });
    expect(await count('tickets')).toBe(tickets);
    const dropped = await db()
      .selectFrom('inbound_messages')
      .select('outcome')
      .where('workspace_id', '=', ws.id)
      .where('subject', '=', 'Request 21')
      .executeTakeFirstOrThrow();
    expect(dropped.outcome).toBe('dropped');
    // A reply to one of their tickets still gets in.
    const token = await db()
      .selectFrom('tickets')
      .select('reply_token')
      .where('id', '=', firstTicket)
      .executeTakeFirstOrThrow();
    const slug = address.split('@')[0];
    const reply = await postInbound(
      server.url,
      await rawMessage({
        from: sender,
        to: `${slug}+t${token.reply_token}@${INBOUND_DOMAIN}`,
        subject: 'Re: Request 1',
        text: 'still here',
      }),
    );
    expect(reply.body).toEqual({ outcome: 'reply_added', ticketId: firstTicket });
    // Another workspace counts its own.
    const other = await newWorkspace(api);
    const otherAddress = await inboundAddressOf(api, other.admin.token);
    const elsewhere = await postInbound(
      server.url,
      await rawMessage({ from: sender, to: otherAddress, subject: 'Elsewhere', text: 'x' }),
    );
    expect(elsewhere.body.outcome).toBe('ticket_created');
  });

  it('SPEC §8.2 (RFC 3834): Auto-Submitted, Precedence bulk/list/junk, List-Id and our own address are flagged', async () => {
    const slug = address.split('@')[0];
    const cases: { name: string; from?: string; headers?: Record<string, string>; flagged: boolean }[] = [
      { name: 'plain', flagged: false },
      { name: 'auto-submitted-no', headers: { 'Auto-Submitted': 'no' }, flagged: false },
      { name: 'auto-replied', headers: { 'Auto-Submitted': 'auto-replied' }, flagged: true },
      { name: 'auto-generated', headers: { 'Auto-Submitted': 'auto-generated' }, flagged: true },
      { name: 'bulk', headers: { Precedence: 'bulk' }, flagged: true },
      { name: 'junk', headers: { Precedence: 'junk' }, flagged: true },
      { name: 'list', headers: { Precedence: 'list' }, flagged: true },
      { name: 'list-id', headers: { 'List-Id': '<news.customer.test>' }, flagged: true },
      { name: 'own-address', from: `${slug}@${INBOUND_DOMAIN}`, flagged: true },
      { name: 'own-ticket-address', from: `${slug}+tabcdefgh12@${INBOUND_DOMAIN}`, flagged: true },
    ];
    for (const c of cases) {
      const messageId = `<flag-${c.name}@customer.test>`;
      const res = await postInbound(
        server.url,
        await rawMessage({
          from: c.from ?? `flags-${c.name}@customer.test`,
          to: address,
          subject: c.name,
          text: 'x',
          messageId,
          ...(c.headers ? { headers: c.headers } : {}),
        }),
      );
      expect(res.status, c.name).toBe(202);
      const row = await inboundRow(messageId.slice(1, -1));
      expect(row.auto_submitted, c.name).toBe(c.flagged);
    }
  });

  it('SPEC §8.2: SPF/DKIM/DMARC are computed and kept: a DKIM-signed message from a test domain passes DMARC', async () => {
    const signed = await rawMessage({
      from: `Dee Kim <dee@${TEST_MAIL_DOMAIN}>`,
      to: address,
      subject: 'Signed',
      text: 'Signed and sealed.',
      messageId: '<signed-1@sender.example.test>',
      dkim: true,
    });
    expect((await postInbound(server.url, signed)).body.outcome).toBe('ticket_created');
    expect((await inboundRow('signed-1@sender.example.test')).auth).toEqual({
      spf: 'none',
      dkim: 'pass',
      dmarc: 'pass',
      fromDomain: TEST_MAIL_DOMAIN,
    });
    // The same domain unsigned: DMARC fails (p=reject is published); the message is still taken.
    const unsigned = await rawMessage({
      from: `dee@${TEST_MAIL_DOMAIN}`,
      to: address,
      subject: 'Unsigned',
      text: 'x',
      messageId: '<unsigned-1@sender.example.test>',
    });
    expect((await postInbound(server.url, unsigned)).body.outcome).toBe('ticket_created');
    expect((await inboundRow('unsigned-1@sender.example.test')).auth).toMatchObject({
      dkim: 'none',
      dmarc: 'fail',
    });
  });
});
