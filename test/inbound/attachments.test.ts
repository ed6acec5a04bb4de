import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client } from '../support/client.js';
import { fakeResolver, INBOUND_ENV, inboundAddressOf, postInbound, rawMessage } from '../support/inbound.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

let server: TestServer;
let api: Client;
let ws: Workspace;
let address: string;
let requester: Person;

beforeAll(async () => {
  server = await startServer({ env: INBOUND_ENV, dnsResolver: fakeResolver() });
  api = client(server.url);
  ws = await newWorkspace(api);
  address = await inboundAddressOf(api, ws.admin.token);
  requester = await ws.contact('Rita Requester');
});
afterAll(async () => server?.close());

async function download(ticketId: string, attachmentId: string, token: string) {
  const res = await fetch(`${server.url}/api/v1/tickets/${ticketId}/attachments/${attachmentId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('SPEC §8.2 attachments are kept with the message', () => {
  it('SPEC §8.2: an attachment is stored and downloadable by the agent and the requester, not by another contact', async () => {
    const pdf = randomBytes(64 * 1024);
    const res = await postInbound(
      server.url,
      await rawMessage({
        from: requester.email,
        to: address,
        subject: 'Invoice',
        text: 'See attached.',
        attachments: [
          { filename: 'Factüre "2026".pdf', content: pdf, contentType: 'application/pdf' },
          { filename: 'notes.txt', content: 'plain notes', contentType: 'text/plain' },
        ],
      }),
    );
    expect(res.body.outcome, JSON.stringify(res.body)).toBe('ticket_created');
    const ticket = await api.get(`/tickets/${res.body.ticketId}`, { token: requester.token });
    expect(ticket.status).toBe(200);
    const attachments = ticket.body.messages[0].attachments as {
      id: string;
      filename: string;
      contentType: string;
      size: number;
    }[];
    expect(attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['Factüre "2026".pdf', 'application/pdf', pdf.length],
      ['notes.txt', 'text/plain', 11],
    ]);
    const [file] = attachments;

    for (const who of [ws.admin, requester]) {
      const got = await download(res.body.ticketId, file!.id, who.token);
      expect(got.status).toBe(200);
      expect(got.body.equals(pdf)).toBe(true);
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      const disposition = got.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''/);
      expect(decodeURIComponent(disposition.split("''")[1]!)).toBe('Factüre "2026".pdf');
    }

    const stranger = await ws.contact();
    const refused = await download(res.body.ticketId, file!.id, stranger.token);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body.toString()).code).toBe('not_found');
    // An attachment id of another ticket under this ticket's path: 404 too.
    const other = await ws.ticket(requester);
    expect((await download(other.id, file!.id, ws.admin.token)).status).toBe(404);
    expect((await download(res.body.ticketId, 'not-a-uuid', ws.admin.token)).status).toBe(404);
  });

  it('SPEC §8.2: an attachment of an internal message is not downloadable by the requester', async () => {
    const res = await postInbound(
      server.url,
      await rawMessage({
        from: requester.email,
        to: address,
        subject: 'Internal',
        text: 'x',
        attachments: [{ filename: 'a.txt', content: 'a' }],
      }),
    );
    const ticketId = res.body.ticketId as string;
    const ticket = await api.get(`/tickets/${ticketId}`, { token: ws.admin.token });
    const attachmentId = ticket.body.messages[0].attachments[0].id as string;
    // Made internal behind the API's back: the download follows the message's visibility.
    await server.database.handle.db
      .updateTable('ticket_messages')
      .set({ public: false })
      .where('workspace_id', '=', ws.id)
      .where('ticket_id', '=', ticketId)
      .execute();
    expect((await download(ticketId, attachmentId, requester.token)).status).toBe(404);
    expect((await download(ticketId, attachmentId, ws.admin.token)).status).toBe(200);
  });

  it('SPEC §8.2: an inline image without a file name is kept under a made-up name', async () => {
    const png = randomBytes(200);
    const res = await postInbound(
      server.url,
      await rawMessage({
        from: requester.email,
        to: address,
        subject: 'Screenshot',
        html: '<p>Look: <img src="cid:shot@x"></p>',
        attachments: [
          { content: png, contentType: 'image/png', cid: 'shot@x', contentDisposition: 'inline' },
        ],
      }),
    );
    expect(res.body.outcome).toBe('ticket_created');
    const ticket = await api.get(`/tickets/${res.body.ticketId}`, { token: ws.admin.token });
    const [image] = ticket.body.messages[0].attachments;
    expect(image).toMatchObject({ contentType: 'image/png', size: 200 });
    expect(image.filename).toMatch(/^attachment-1\.png$/);
    expect(ticket.body.messages[0].body).toContain('Look:');
  });

  it('SPEC §8.2: one transaction per message: a database error leaves nothing, and the retried delivery is taken once', async () => {
    const db = server.database.handle.db;
    // A fault in the last write of the message (its attachment), injected by a trigger.
    await sql`
      CREATE FUNCTION test_refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.filename = 'explode.txt' THEN RAISE EXCEPTION 'injected fault'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse_attachment BEFORE INSERT ON ticket_attachments
        FOR EACH ROW EXECUTE FUNCTION test_refuse_attachment();`.execute(db);
    const counts = async () => {
      const { rows } = await sql<Record<string, number>>`
        SELECT (SELECT count(*)::int FROM inbound_messages WHERE workspace_id = ${ws.id}) AS inbound,
               (SELECT count(*)::int FROM tickets WHERE workspace_id = ${ws.id}) AS tickets,
               (SELECT count(*)::int FROM ticket_messages WHERE workspace_id = ${ws.id}) AS messages,
               (SELECT count(*)::int FROM contacts WHERE workspace_id = ${ws.id}) AS contacts,
               (SELECT count(*)::int FROM activities WHERE workspace_id = ${ws.id}) AS activities`.execute(
        db,
      );
      return rows[0]!;
    };
    const raw = await rawMessage({
      from: 'Fresh Face <fresh@customer.test>',
      to: address,
      subject: 'Fragile',
      text: 'x',
      attachments: [{ filename: 'explode.txt', content: 'boom' }],
    });
    const before = await counts();
    try {
      const failed = await postInbound(server.url, raw);
      expect(failed.status).toBe(500);
      expect(await counts()).toEqual(before);
    } finally {
      await sql`DROP TRIGGER test_refuse_attachment ON ticket_attachments;
        DROP FUNCTION test_refuse_attachment();`.execute(db);
    }
    const retried = await postInbound(server.url, raw);
    expect(retried.body.outcome).toBe('ticket_created');
    expect((await postInbound(server.url, raw)).body.outcome).toBe('duplicate');
    const after = await counts();
    expect([after.inbound, after.tickets, after.contacts]).toEqual([
      before.inbound! + 1,
      before.tickets! + 1,
      before.contacts! + 1,
    ]);
  });

  it('SPEC §8.2: the same message delivered twice at the same time is taken once', async () => {
    const raw = await rawMessage({ from: requester.email, to: address, subject: 'Racing', text: 'x' });
    const answers = await Promise.all([postInbound(server.url, raw), postInbound(server.url, raw)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(answers.map((a) => a.body.outcome).sort()).toEqual(['duplicate', 'ticket_created']);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM tickets WHERE workspace_id = ${ws.id} AND subject = 'Racing'`.execute(
      server.database.handle.db,
    );
    expect(rows[0]!.n).toBe(1);
  });
});
