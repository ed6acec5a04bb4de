import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client } from '../support/client.js';
import { fakeResolver, INBOUND_ENV, inboundAddressOf, postInbound, rawMessage } from '../support/inbound.js';
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

describe('inbound mail makes tickets (HTTP door)', () => {
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
    const messages = await api.get(`/tickets/${res.body.ticketId}/messages`, { token: ws.admin.token });
    expect(messages.body.items[0]).toMatchObject({ body: 'It is really on fire.', channel: 'email' });
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM inbound_messages WHERE workspace_id = ${ws.id}`.execute(db());
    expect(rows[0]!.n).toBe(1);
  });
});
