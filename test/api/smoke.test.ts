import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace } from '../support/workspace.js';

let server: TestServer;
let api: Client;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
});
afterAll(() => server?.close());

describe(`approval walkthrough (${engine})`, () => {
  it('an ad hoc approval is approved by its member approver', async () => {
    const ws = await newWorkspace(api);
    const agent = await ws.member();
    const approver = await ws.member();
    const customer = await ws.contact();
    const ticket = await ws.ticket(customer);
    const created = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Buy a laptop', approvers: [{ type: 'member', id: approver.id }] },
      { token: agent.token },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('pending');
    const decided = await api.post(
      `/approvals/${created.body.id}/decisions`,
      { decision: 'approve' },
      { token: approver.token },
    );
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.status).toBe('approved');
    const activity = await api.get(`/tickets/${ticket.id}/activity`, { token: agent.token });
    expect(activity.body.items.map((a: { type: string }) => a.type)).toEqual([
      'ticket_created',
      'approval_requested',
      'step_started',
      'decision',
      'step_completed',
      'completed',
    ]);
  });
});
