import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTP_MAX_MESSAGE_BYTES, startSmtpListener } from '../../src/inbound/smtp-listener.js';
import { client } from '../support/client.js';
import { fakeResolver } from '../support/inbound.js';
import { startServer, type TestServer, testConfig } from '../support/server.js';
import { rawEmail, rawSmtpSession, sendSmtp } from '../support/smtp-client.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';

/**
 * The SMTP door of inbound mail (SPEC §8.2), over real SMTP: nodemailer (or a hand-driven socket) sends into
 * the listener the server starts when INBOUND_SMTP_PORT is set; what was stored is read back through the API
 * and the database.
 */

const DOMAIN = 'inbound.test';
const ENV = { INBOUND_SMTP_PORT: '0', INBOUND_SMTP_HOST: '127.0.0.1', INBOUND_DOMAIN: DOMAIN };
const unique = () => randomBytes(5).toString('hex');
const silent = { info() {}, warn() {}, error() {} };

let server: TestServer;
let api: ReturnType<typeof client>;
let smtpPort: number;
let ws: Workspace;
let address: string;

async function inboundAddress(w: Workspace): Promise<string> {
  const res = await api.get('/settings', { token: w.admin.token });
  expect(res.status).toBe(200);
  return res.body.inboundAddress;
}

async function ticketsOf(w: Workspace): Promise<any[]> {
  const res = await api.get('/tickets?limit=200', { token: w.admin.token });
  expect(res.status).toBe(200);
  return res.body.items;
}

const inboundRows = async (messageId: string) =>
  Number(
    (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM inbound_messages WHERE message_id = ${messageId}`.execute(
        server.database.handle.db,
      )
    ).rows[0]!.n,
  );

beforeAll(async () => {
  server = await startServer({ env: ENV, dnsResolver: fakeResolver() });
  api = client(server.url);
  expect(server.smtpPort).toBeGreaterThan(0);
  smtpPort = server.smtpPort!;
  ws = await newWorkspace(api);
  address = await inboundAddress(ws);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('SMTP door', () => {
  it('SPEC §8.2 a message to the workspace address by SMTP becomes a ticket with an email message', async () => {
    const messageId = `${unique()}@customer.example`;
    const subject = `Printer on fire ${unique()}`;
    const sent = await sendSmtp(smtpPort, {
      from: 'carla@customer.example',
      to: [address],
      raw: rawEmail({
        from: 'Carla Customer <carla@customer.example>',
        to: address,
        subject,
        text: 'The printer on floor 3 is on fire.',
        messageId,
      }),
    });
    expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true });
    if (sent.ok) expect(sent.response).toMatch(/^250 /);
    // The 250 is answered once the pipeline's transaction committed: the ticket is there at once.
    const ticket = (await ticketsOf(ws)).find((t) => t.subject === subject);
    expect(ticket).toBeDefined();
    const full = await api.get(`/tickets/${ticket.id}`, { token: ws.admin.token });
    expect(full.body.messages[0]).toMatchObject({ channel: 'email', public: true });
    expect(full.body.messages[0].body).toContain('on fire');
    expect(await inboundRows(messageId)).toBe(1);
    const row = await server.database.handle.db
      .selectFrom('inbound_messages')
      .select(['via', 'from_address'])
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ via: 'smtp', from_address: 'carla@customer.example' });
  });

  it('SPEC §8.2 550 5.1.1 at RCPT TO for an address that is not a workspace address; nothing is written', async () => {
    const before = (await ticketsOf(ws)).length;
    for (const to of [`nobody-${unique()}@${DOMAIN}`, `${address.split('@')[0]}@elsewhere.example`, 'x@y']) {
      const messageId = `${unique()}@customer.example`;
      const sent = await sendSmtp(smtpPort, {
        from: 'carla@customer.example',
        to: [to],
        raw: rawEmail({ from: 'carla@customer.example', to, subject: 'Hello', text: 'Hi', messageId }),
      });
      expect(sent, to).toMatchObject({ ok: false, responseCode: 550, command: 'RCPT TO' });
      if (!sent.ok) expect(sent.response).toMatch(/^550 5\.1\.1 /);
      expect(await inboundRows(messageId)).toBe(0);
    }
    expect((await ticketsOf(ws)).length).toBe(before);
  });

  it('SPEC §8.2 a mixed envelope: the unknown recipient is refused, the message still reaches the workspace once', async () => {
    const messageId = `${unique()}@customer.example`;
    const subject = `Mixed ${unique()}`;
    const stranger = `nobody-${unique()}@${DOMAIN}`;
    const sent = await sendSmtp(smtpPort, {
      from: 'carla@customer.example',
      to: [stranger, address],
      raw: rawEmail({ from: 'carla@customer.example', to: address, subject, text: 'Hi', messageId }),
    });
    expect(sent).toMatchObject({ ok: true, accepted: [address], rejected: [stranger] });
    expect((await ticketsOf(ws)).filter((t) => t.subject === subject)).toHaveLength(1);
  });

  it('SPEC §8.2 the envelope recipient reaches the pipeline as written: a reply token keeps its case', async () => {
    // `+a` tokens are base64url (case-sensitive): lower-casing the envelope would break reply to approve.
    const [local, domain] = address.split('@') as [string, string];
    const tokenAddress = `${local}+tMiXeDcAsEToken42@${domain.toUpperCase()}`;
    const messageId = `${unique()}@customer.example`;
    const sent = await sendSmtp(smtpPort, {
      from: 'carla@customer.example',
      to: [tokenAddress],
      raw: rawEmail({
        from: 'carla@customer.example',
        to: address,
        subject: `Token ${unique()}`,
        text: 'Hi',
        messageId,
      }),
    });
    expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true });
    const row = await server.database.handle.db
      .selectFrom('inbound_messages')
      .select(['recipients'])
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
    expect(row.recipients).toContain(`${local}+tMiXeDcAsEToken42@${domain}`);
  });

  it('SPEC §8.2 SIZE is announced; a message over it is refused with 552 5.3.4, declared (MAIL FROM … SIZE=) or not', async () => {
    const limit = 64 * 1024;
    const listener = await startSmtpListener(
      {
        db: server.database.handle.db,
        config: testConfig(ENV),
        now: () => new Date(),
        dnsResolver: fakeResolver(),
      },
      { host: '127.0.0.1', port: 0, log: silent, maxMessageBytes: limit },
    );
    try {
      const messageId = `${unique()}@customer.example`;
      const big = rawEmail({
        from: 'carla@customer.example',
        to: address,
        subject: 'Big',
        text: 'x'
          .repeat(76)
          .concat('\n')
          .repeat(Math.ceil((limit * 1.5) / 77)),
        messageId,
      });
      // nodemailer does not declare the size of a raw message: the whole message is sent, counted, refused.
      const sent = await sendSmtp(listener.port, { from: 'carla@customer.example', to: [address], raw: big });
      expect(sent).toMatchObject({ ok: false, responseCode: 552, command: 'DATA' });
      if (!sent.ok) expect(sent.response).toMatch(/^552 5\.3\.4 /);

      const session = await rawSmtpSession(listener.port);
      const ehlo = await session.command('EHLO client.example\r\n');
      expect(ehlo.text).toContain(`SIZE ${limit}`);
      // Declared: refused before any data is sent.
      expect((await session.command(`MAIL FROM:<carla@customer.example> SIZE=${limit + 1}\r\n`)).code).toBe(
        552,
      );
      // Undeclared, by hand.
      expect((await session.command('MAIL FROM:<carla@customer.example>\r\n')).code).toBe(250);
      expect((await session.command(`RCPT TO:<${address}>\r\n`)).code).toBe(250);
      expect((await session.command('DATA\r\n')).code).toBe(354);
      const reply = await session.command(`${big}\r\n.\r\n`);
      expect(reply.code).toBe(552);
      expect(reply.text).toMatch(/^552 5\.3\.4 /);
      session.close();
      expect(await inboundRows(messageId)).toBe(0);
    } finally {
      await listener.close();
    }
  });

  it('SPEC §8.2 the real limit: 25 MiB of message plus encoding headroom is announced, beyond it is 552', async () => {
    const session = await rawSmtpSession(smtpPort);
    const ehlo = await session.command('EHLO client.example\r\n');
    expect(ehlo.text).toContain(`SIZE ${SMTP_MAX_MESSAGE_BYTES}`);
    // 25 MiB of attachments in base64 is 4/3 of it: the announced limit leaves room for that.
    expect(SMTP_MAX_MESSAGE_BYTES).toBeGreaterThan(Math.ceil((25 * 1024 * 1024 * 4) / 3));
    expect(
      (await session.command(`MAIL FROM:<c@customer.example> SIZE=${SMTP_MAX_MESSAGE_BYTES + 1}\r\n`)).code,
    ).toBe(552);
    session.close();
    // Undeclared (nodemailer sends a raw message without SIZE=): all of it is sent, then refused.
    const messageId = `${unique()}@customer.example`;
    const header = rawEmail({
      from: 'carla@customer.example',
      to: address,
      subject: 'Huge',
      text: '',
      messageId,
    });
    const huge = Buffer.concat([Buffer.from(header), Buffer.alloc(SMTP_MAX_MESSAGE_BYTES + 1024, 0x61)]);
    const sent = await sendSmtp(smtpPort, { from: 'carla@customer.example', to: [address], raw: huge });
    expect(sent).toMatchObject({ ok: false, responseCode: 552 });
    expect(await inboundRows(messageId)).toBe(0);
  }, 60_000);

  it('SPEC §8.2 a message the pipeline cannot read is refused for good (550 5.6.0), never 451', async () => {
    const session = await rawSmtpSession(smtpPort);
    await session.command('EHLO client.example\r\n');
    await session.command('MAIL FROM:<carla@customer.example>\r\n');
    expect((await session.command(`RCPT TO:<${address}>\r\n`)).code).toBe(250);
    expect((await session.command('DATA\r\n')).code).toBe(354);
    const reply = await session.command('this is not an email at all\r\n.\r\n');
    session.close();
    expect(reply.code, reply.text).toBe(550);
    expect(reply.text).toMatch(/^550 5\.6\.0 /);
  });

  it('SPEC §8.2 loops (RFC 3834): workspace A mailing B with Auto-Submitted makes a ticket in B and no acknowledgement', async () => {
    const wsA = await newWorkspace(api);
    const addressA = await inboundAddress(wsA);
    const messageId = `${unique()}@${DOMAIN}`;
    const subject = `[#1] We received your request ${unique()}`;
    const sent = await sendSmtp(smtpPort, {
      from: addressA,
      to: [address],
      raw: rawEmail({
        from: `Workspace A <${addressA}>`,
        to: address,
        subject,
        text: 'Thank you, we received your request.',
        messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      }),
    });
    expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true });
    const ticket = (await ticketsOf(ws)).find((t) => t.subject === subject);
    expect(ticket).toBeDefined();
    const row = await server.database.handle.db
      .selectFrom('inbound_messages')
      .select(['auto_submitted'])
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
    expect(row.auto_submitted).toBe(true);
    // No email answers the sender: no acknowledgement, nothing to the requester (the contact made for A's
    // address). Notices to B's own agents may be queued: they answer nobody outside.
    const outbox = await server.database.handle.db
      .selectFrom('outbox')
      .select(['kind', 'recipient_type'])
      .where('workspace_id', '=', ws.id)
      .where('ticket_id', '=', ticket.id)
      .execute();
    expect(outbox.filter((r) => r.kind === 'ticket_acknowledged' || r.recipient_type === 'contact')).toEqual(
      [],
    );
    // And A got nothing to answer in turn: no ticket in A.
    expect((await ticketsOf(wsA)).find((t) => t.subject === subject)).toBeUndefined();
  });
});

describe('SMTP door and the acknowledgement (needs the notify branch)', () => {
  it('SPEC §8.2 control of the loop test: the same message without Auto-Submitted is acknowledged (an outbox row for its ticket)', async () => {
    const messageId = `${unique()}@customer.example`;
    const subject = `Plain ${unique()}`;
    const sent = await sendSmtp(smtpPort, {
      from: 'dora@customer.example',
      to: [address],
      raw: rawEmail({ from: 'dora@customer.example', to: address, subject, text: 'Hello', messageId }),
    });
    expect(sent).toMatchObject({ ok: true });
    const ticket = (await ticketsOf(ws)).find((t) => t.subject === subject);
    const outbox = await server.database.handle.db
      .selectFrom('outbox')
      .select(['kind', 'recipient_type'])
      .where('workspace_id', '=', ws.id)
      .where('ticket_id', '=', ticket.id)
      .execute();
    expect(outbox).toContainEqual({ kind: 'ticket_acknowledged', recipient_type: 'contact' });
  });
});
