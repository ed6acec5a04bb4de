import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client } from '../support/client.js';
import {
  fakeResolver,
  INBOUND_ENV,
  INBOUND_SECRET,
  inboundAddressOf,
  postInbound,
  rawMessage,
  TEST_MAIL_DOMAIN,
} from '../support/inbound.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';

/** SPEC §8.2/§8.6: the HTTP door of inbound mail, its answers, and what it refuses without writing. */

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

/** Rows of every table a message may write, to show a refused one wrote none. */
async function footprint() {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*)::int FROM inbound_messages) AS inbound,
           (SELECT count(*)::int FROM tickets) AS tickets,
           (SELECT count(*)::int FROM ticket_messages) AS messages,
           (SELECT count(*)::int FROM contacts) AS contacts,
           (SELECT count(*)::int FROM ticket_attachments) AS attachments`.execute(server.database.handle.db);
  return rows[0]!;
}

const message = (extra: Record<string, unknown> = {}) =>
  rawMessage({
    from: 'Sam Sender <sam@customer.test>',
    to: address,
    subject: 'Hello',
    text: 'Hi.',
    ...extra,
  });

describe('SPEC §8.2 inbound HTTP door', () => {
  it('SPEC §8.6: 401 without the right secret, before anything is read', async () => {
    const before = await footprint();
    const raw = await message();
    expect((await postInbound(server.url, raw, { secret: null })).status).toBe(401);
    const wrong = await postInbound(server.url, raw, { secret: `${INBOUND_SECRET}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('unauthorized');
    expect(await footprint()).toEqual(before);
  });

  it('SPEC §8.6: 404 when INBOUND_SECRET is unset', async () => {
    const closed = await startServer({ env: { INBOUND_DOMAIN: INBOUND_ENV.INBOUND_DOMAIN } });
    try {
      const res = await postInbound(closed.url, await message());
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    } finally {
      await closed.close();
    }
  });

  it('SPEC §8.2: a temporary DNS failure is kept as temperror, the message is still taken (no 5xx)', async () => {
    const flaky = await startServer({
      env: INBOUND_ENV,
      dnsResolver: fakeResolver({ temporaryFailure: true }),
    });
    try {
      const flakyApi = client(flaky.url);
      const other = await newWorkspace(flakyApi);
      const to = await inboundAddressOf(flakyApi, other.admin.token);
      const res = await postInbound(
        flaky.url,
        await rawMessage({
          from: `dee@${TEST_MAIL_DOMAIN}`,
          to,
          subject: 'Signed',
          text: 'x',
          messageId: '<dns-down@sender.example.test>',
          dkim: true,
        }),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.outcome).toBe('ticket_created');
      const row = await flaky.database.handle.db
        .selectFrom('inbound_messages')
        .select('auth')
        .where('message_id', '=', 'dns-down@sender.example.test')
        .executeTakeFirstOrThrow();
      expect(row.auth).toMatchObject({ dkim: 'temperror', dmarc: 'temperror' });
    } finally {
      await flaky.close();
    }
  });

  it('SPEC §8.6: 422 no_workspace_address when no recipient is a workspace address', async () => {
    const before = await footprint();
    for (const to of ['someone@elsewhere.test', `nobody-here@${INBOUND_ENV.INBOUND_DOMAIN}`]) {
      const res = await postInbound(server.url, await message({ to }));
      expect(res.status, to).toBe(422);
      expect(res.body.code).toBe('no_workspace_address');
    }
    expect(await footprint()).toEqual(before);
  });

  it('SPEC §8.6: the workspace is found from Delivered-To, X-Original-To and Cc too', async () => {
    const viaCc = await postInbound(server.url, await message({ to: 'x@elsewhere.test', cc: address }));
    expect(viaCc.status, JSON.stringify(viaCc.body)).toBe(202);
    const delivered = await postInbound(
      server.url,
      await message({ to: 'list@elsewhere.test', headers: { 'Delivered-To': address.toUpperCase() } }),
    );
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(202);
    const original = await postInbound(
      server.url,
      await message({ to: 'list@elsewhere.test', headers: { 'X-Original-To': address } }),
    );
    expect(original.status, JSON.stringify(original.body)).toBe(202);
    expect(original.body.outcome).toBe('ticket_created');
  });

  it('SPEC §8.2: a 0-byte body, one without headers, without From, or not MIME: 400 malformed_message, nothing written', async () => {
    const before = await footprint();
    const bodies: (Buffer | string)[] = [
      Buffer.alloc(0),
      'just some words, no header at all',
      `To: ${address}\r\nSubject: no sender\r\n\r\nbody\r\n`,
      `From: not an address\r\nTo: ${address}\r\n\r\nbody\r\n`,
    ];
    for (const body of bodies) {
      const res = await postInbound(server.url, body);
      expect(res.status, String(body).slice(0, 40)).toBe(400);
      expect(res.body.code).toBe('malformed_message');
    }
    expect(await footprint()).toEqual(before);
  });

  it('SPEC §8.2: over 25 MiB, or an attachment over 10 MiB: 413 message_too_large, nothing written', async () => {
    const before = await footprint();
    const big = await message({
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(10 * 1024 * 1024 + 1, 7) }],
    });
    const attachment = await postInbound(server.url, big);
    expect(attachment.status).toBe(413);
    expect(attachment.body.code).toBe('message_too_large');
    // 25 MiB and a little: within the door's body limit, over the message limit.
    const huge = Buffer.concat([await message(), Buffer.alloc(25 * 1024 * 1024, 0x61)]);
    const over = await postInbound(server.url, huge);
    expect(over.status).toBe(413);
    expect(over.body.code).toBe('message_too_large');
    // Over the door's own limit (26 MiB): refused while reading, with the same code.
    const beyond = await postInbound(server.url, Buffer.alloc(27 * 1024 * 1024, 0x61));
    expect(beyond.status).toBe(413);
    expect(beyond.body.code).toBe('message_too_large');
    expect(await footprint()).toEqual(before);
    // Parsing 25 MiB takes seconds on a loaded machine.
  }, 120_000);

  it('SPEC §8.2: the JSON routes keep their 1 MiB limit and refuse message/rfc822', async () => {
    const res = await fetch(`${server.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${ws.admin.token}` },
      body: 'From: a@b.test\r\n\r\nx',
    });
    expect(res.status).toBe(415);
  });
});
