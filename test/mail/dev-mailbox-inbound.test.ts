import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { mailboxDir } from '../../src/mail/routes.js';
import { devMailboxTransport } from '../../src/mail/transport.js';
import { type Client, client } from '../support/client.js';
import { openTestDatabase } from '../support/database.js';
import { INBOUND_DOMAIN, INBOUND_ENV, inboundAddressOf } from '../support/inbound.js';
import { startServer, type TestServer, testConfig } from '../support/server.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';

/**
 * Issue 14 item 5: the dev mailbox sends email into the product through the one inbound pipeline
 * (SPEC §8.2), keeps a record of it beside the emails Signoff sent, and answers this machine only.
 */
let server: TestServer;
let api: Client;
let ws: Workspace;
let address: string;
const dataDir = mkdtempSync(join(tmpdir(), 'signoff-dev-inbound-'));

beforeAll(async () => {
  server = await startServer({ env: { ...INBOUND_ENV, SMTP_URL: '', DATA_DIR: dataDir } });
  api = client(server.url);
  ws = await newWorkspace(api);
  address = await inboundAddressOf(api, ws.admin.token);
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const send = (body: Record<string, unknown>) => api.post('/dev/mailbox/inbound', body);

describe('SPEC §8.2 (issue 14): POST /api/v1/dev/mailbox/inbound', () => {
  it('SPEC §8.2: a new email sent from the dev mailbox makes a ticket, marked inbound in the mailbox', async () => {
    const res = await send({
      from: 'nora@customer.test',
      fromName: 'Nora Newcomer',
      to: address,
      subject: 'Printer on fire',
      text: 'It is really on fire.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ outcome: 'ticket_created', ticketId: expect.any(String) });
    expect(res.body.messageId).toMatch(/^<[^<>@]+@dev-mailbox\.signoff>$/);

    const ticket = await api.get(`/tickets/${res.body.ticketId}`, { token: ws.admin.token });
    expect(ticket.body.subject).toBe('Printer on fire');
    expect(ticket.body.requester.name).toBe('Nora Newcomer');
    expect(ticket.body.messages[0]).toMatchObject({ body: 'It is really on fire.', channel: 'email' });

    const mailbox = await api.get('/dev/mailbox');
    expect(mailbox.status).toBe(200);
    expect(mailbox.body.addresses).toContainEqual({ workspace: expect.any(String), address });
    const entry = mailbox.body.items.find((e: { messageId: string }) => e.messageId === res.body.messageId);
    expect(entry).toMatchObject({
      direction: 'inbound',
      from: 'Nora Newcomer <nora@customer.test>',
      to: { address },
      subject: 'Printer on fire',
      outcome: 'ticket_created',
      ticketId: res.body.ticketId,
      inReplyTo: null,
    });
  });

  it('SPEC §8.2: a reply to the ticket’s reply address lands in its thread, threaded on the Message-ID answered', async () => {
    const first = await send({
      from: 'omar@customer.test',
      to: address,
      subject: 'VPN down',
      text: 'No VPN.',
    });
    const row = await server.database.handle.db
      .selectFrom('tickets')
      .select('reply_token')
      .where('workspace_id', '=', ws.id)
      .where('id', '=', first.body.ticketId)
      .executeTakeFirstOrThrow();
    const slug = address.split('@')[0];
    const reply = await send({
      from: 'omar@customer.test',
      to: `${slug}+t${row.reply_token}@${INBOUND_DOMAIN}`,
      subject: 'Re: VPN down',
      text: 'It works again, thanks.',
      inReplyTo: first.body.messageId,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body).toMatchObject({ outcome: 'reply_added', ticketId: first.body.ticketId });
    const messages = await api.get(`/tickets/${first.body.ticketId}/messages`, { token: ws.admin.token });
    expect(messages.body.items.map((m: { body: string }) => m.body)).toContain('It works again, thanks.');
    const mailbox = await api.get('/dev/mailbox');
    const entry = mailbox.body.items.find((e: { messageId: string }) => e.messageId === reply.body.messageId);
    expect(entry).toMatchObject({ inReplyTo: first.body.messageId, references: [first.body.messageId] });
  });

  it('SPEC §8.2: an email Signoff sent keeps its Reply-To and threading in the mailbox, marked outbound, so the page can answer it', async () => {
    await devMailboxTransport(mailboxDir(dataDir)).send({
      messageId: '<agent-reply-1@signoff.test>',
      from: 'Acme <acme@in.signoff.test>',
      to: { name: 'Nora Newcomer', address: 'nora@customer.test' },
      subject: '[#1] Printer on fire',
      text: 'We are on it.',
      html: '',
      locale: 'en',
      replyTo: `acme+tAbCdEfGh123@${INBOUND_DOMAIN}`,
      inReplyTo: '<first@customer.test>',
      references: ['<first@customer.test>'],
      autoSubmitted: null,
    });
    const mailbox = await api.get('/dev/mailbox');
    const entry = mailbox.body.items.find(
      (e: { messageId: string }) => e.messageId === '<agent-reply-1@signoff.test>',
    );
    expect(entry).toMatchObject({
      direction: 'outbound',
      replyTo: `acme+tAbCdEfGh123@${INBOUND_DOMAIN}`,
      inReplyTo: '<first@customer.test>',
      references: ['<first@customer.test>'],
      outcome: null,
      ticketId: null,
    });
  });

  it('SPEC §8.6: an address that is no workspace’s is 422 no_workspace_address, and nothing is recorded', async () => {
    const before = (await api.get('/dev/mailbox')).body.items.length;
    const res = await send({
      from: 'a@customer.test',
      to: 'nobody@elsewhere.test',
      subject: 'Hi',
      text: 'Hi',
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('no_workspace_address');
    expect((await api.get('/dev/mailbox')).body.items.length).toBe(before);
  });

  it('issue 14: a field cannot add a header (CR/LF refused), a bad Message-ID is refused, 400 with the field', async () => {
    const injected = await send({
      from: 'a@customer.test',
      to: address,
      subject: 'Hi\r\nBcc: victim@example.test',
      text: 'Hi',
    });
    expect(injected.status).toBe(400);
    expect(JSON.stringify(injected.body.errors)).toContain('subject');
    const badId = await send({
      from: 'a@customer.test',
      to: address,
      subject: 'Hi',
      text: 'Hi',
      inReplyTo: 'x',
    });
    expect(badId.status).toBe(400);
    const missing = await send({ from: 'a@customer.test', to: address, subject: 'Hi' });
    expect(missing.status).toBe(400);
  });
});

describe('issue 14: the dev mailbox door has the dev mailbox’s access rule', () => {
  it('refuses a request from another machine (403 dev_mailbox_local_only) and through a proxy', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({
      database: database.handle,
      config: testConfig({ ...INBOUND_ENV, SMTP_URL: '', DATA_DIR: dataDir }),
      logger: false,
    });
    try {
      const payload = { from: 'a@customer.test', to: address, subject: 'Hi', text: 'Hi' };
      const remote = await app.inject({
        method: 'POST',
        url: '/api/v1/dev/mailbox/inbound',
        remoteAddress: '203.0.113.9',
        payload,
      });
      expect(remote.statusCode).toBe(403);
      expect(remote.json().code).toBe('dev_mailbox_local_only');
      const proxied = await app.inject({
        method: 'POST',
        url: '/api/v1/dev/mailbox/inbound',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.9' },
        payload,
      });
      expect(proxied.statusCode).toBe(403);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('does not exist when SMTP is configured (404), like GET /dev/mailbox', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({
      database: database.handle,
      config: testConfig({ ...INBOUND_ENV, SMTP_URL: 'smtp://127.0.0.1:2525', DATA_DIR: dataDir }),
      logger: false,
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/dev/mailbox/inbound',
        remoteAddress: '127.0.0.1',
        payload: { from: 'a@customer.test', to: address, subject: 'Hi', text: 'Hi' },
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
