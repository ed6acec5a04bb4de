import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC rule 1: with `approvalsEnabled` off, every approval, template and group
 * endpoint answers 409 approvals_disabled; tickets keep working.
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let agent: Person;
let approver: Person;
let reviewer: Person;
let customer: Person;
let ticket: { id: string; number: number };
let groupId: string;
let templateId: string;
let pendingId: string;
let deniedId: string;
let appealedId: string;

function expectProblem(res: Response, status: number, code: string) {
  const detail = `${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  expect(res.body.code, detail).toBe(code);
}

const disabled = (res: Response) => expectProblem(res, 409, 'approvals_disabled');

async function ok(res: Promise<Response>, status = 200): Promise<Response> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, {
    approvalsEnabled: true,
    appealsEnabled: true,
    contactsCanViewApprovals: true,
  });
  agent = await ws.member();
  approver = await ws.member();
  reviewer = await ws.member();
  customer = await ws.contact();
  ticket = await ws.ticket(customer);
  const admin = ws.admin.token;

  groupId = (
    await ok(
      api.post('/approval-groups', { name: 'Finance', memberIds: [approver.id] }, { token: admin }),
      201,
    )
  ).body.id;
  templateId = (
    await ok(
      api.post(
        '/approval-templates',
        {
          name: 'Hardware',
          allowAppeals: true,
          appealReviewers: [{ type: 'member', id: reviewer.id }],
          steps: [
            {
              name: 'Manager',
              approvers: [
                { type: 'member', id: approver.id },
                { type: 'contact', id: customer.id },
              ],
              rule: { type: 'any' },
            },
          ],
        },
        { token: admin },
      ),
      201,
    )
  ).body.id;

  pendingId = (
    await ok(
      api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Buy a laptop', approvers: [{ type: 'member', id: approver.id }] },
        { token: agent.token },
      ),
      201,
    )
  ).body.id;

  const t2 = await ws.ticket(customer);
  deniedId = (await ok(api.post(`/tickets/${t2.id}/approvals`, { templateId }, { token: agent.token }), 201))
    .body.id;
  const denied = await ok(
    api.post(`/approvals/${deniedId}/decisions`, { decision: 'deny' }, { token: approver.token }),
  );
  expect(denied.body.status).toBe('denied');

  const t3 = await ws.ticket(customer);
  appealedId = (
    await ok(api.post(`/tickets/${t3.id}/approvals`, { templateId }, { token: agent.token }), 201)
  ).body.id;
  await ok(api.post(`/approvals/${appealedId}/decisions`, { decision: 'deny' }, { token: approver.token }));
  const appealed = await ok(
    api.post(`/approvals/${appealedId}/appeal`, { reason: 'Please look again' }, { token: agent.token }),
  );
  expect(appealed.body.status).toBe('appeal_pending');

  await ws.settings({ approvalsEnabled: false });
});
afterAll(() => server?.close());

describe(`rule 1: approvals module switched off (${engine})`, () => {
  it('rule 1: GET /settings shows approvalsEnabled false', async () => {
    const res = await ok(api.get('/settings', { token: agent.token }));
    expect(res.body.approvalsEnabled).toBe(false);
  });

  it('rule 1: every approval-group endpoint answers 409 approvals_disabled', async () => {
    const admin = ws.admin.token;
    disabled(
      await api.post('/approval-groups', { name: 'Legal', memberIds: [approver.id] }, { token: admin }),
    );
    disabled(await api.get('/approval-groups', { token: admin }));
    disabled(await api.get('/approval-groups', { token: agent.token }));
    disabled(await api.get(`/approval-groups/${groupId}`, { token: admin }));
    disabled(await api.get(`/approval-groups/${groupId}`, { token: agent.token }));
    disabled(await api.patch(`/approval-groups/${groupId}`, { name: 'Renamed' }, { token: admin }));
    disabled(await api.delete(`/approval-groups/${groupId}`, { token: admin }));
  });

  it('rule 1: every approval-template endpoint answers 409 approvals_disabled', async () => {
    const admin = ws.admin.token;
    const body = {
      name: 'Other',
      steps: [{ name: 'S', approvers: [{ type: 'member', id: approver.id }], rule: { type: 'any' } }],
    };
    disabled(await api.post('/approval-templates', body, { token: admin }));
    disabled(await api.get('/approval-templates', { token: admin }));
    disabled(await api.get('/approval-templates', { token: agent.token }));
    disabled(await api.get(`/approval-templates/${templateId}`, { token: admin }));
    disabled(await api.get(`/approval-templates/${templateId}`, { token: agent.token }));
    disabled(await api.put(`/approval-templates/${templateId}`, body, { token: admin }));
    disabled(await api.delete(`/approval-templates/${templateId}`, { token: admin }));
  });

  it('rule 1: requesting and listing approvals on a ticket answers 409 approvals_disabled', async () => {
    disabled(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Another', approvers: [{ type: 'member', id: approver.id }] },
        { token: agent.token },
      ),
    );
    disabled(await api.post(`/tickets/${ticket.id}/approvals`, { templateId }, { token: agent.token }));
    disabled(await api.get(`/tickets/${ticket.id}/approvals`, { token: agent.token }));
    disabled(await api.get(`/tickets/${ticket.id}/approvals`, { token: customer.token }));
  });

  it('rule 1: every action on an approval answers 409 approvals_disabled', async () => {
    disabled(await api.get(`/approvals/${pendingId}`, { token: agent.token }));
    disabled(await api.get(`/approvals/${pendingId}`, { token: approver.token }));
    disabled(await api.get(`/approvals/${pendingId}`, { token: customer.token }));
    disabled(
      await api.post(`/approvals/${pendingId}/decisions`, { decision: 'approve' }, { token: approver.token }),
    );
    disabled(
      await api.post(
        `/approvals/${pendingId}/decisions`,
        { decision: 'deny', comment: 'no' },
        { token: approver.token, headers: { 'idempotency-key': 'k-1' } },
      ),
    );
    disabled(
      await api.post(`/approvals/${pendingId}/comments`, { body: 'More info?' }, { token: agent.token }),
    );
    disabled(
      await api.patch(
        `/approvals/${pendingId}/recipients`,
        { add: [{ type: 'member', id: reviewer.id }] },
        { token: agent.token },
      ),
    );
    disabled(
      await api.patch(
        `/approvals/${pendingId}/recipients`,
        { remove: [{ type: 'member', id: approver.id }] },
        { token: agent.token },
      ),
    );
    disabled(await api.post(`/approvals/${pendingId}/reminders`, {}, { token: agent.token }));
    disabled(
      await api.post(
        `/approvals/${pendingId}/reminders`,
        { approver: { type: 'member', id: approver.id } },
        { token: agent.token },
      ),
    );
    disabled(await api.post(`/approvals/${pendingId}/cancel`, undefined, { token: agent.token }));
    disabled(await api.post(`/approvals/${pendingId}/cancel`, undefined, { token: ws.admin.token }));
    disabled(
      await api.post(`/approvals/${deniedId}/appeal`, { reason: 'Reconsider' }, { token: agent.token }),
    );
    disabled(
      await api.post(`/approvals/${deniedId}/appeal`, { reason: 'Reconsider' }, { token: customer.token }),
    );
    disabled(
      await api.post(
        `/approvals/${appealedId}/appeal/decisions`,
        { decision: 'approve' },
        { token: reviewer.token },
      ),
    );
    disabled(
      await api.post(
        `/approvals/${appealedId}/decisions`,
        { decision: 'approve' },
        { token: reviewer.token },
      ),
    );
    disabled(await api.get('/me/approval-tasks', { token: approver.token }));
    disabled(await api.get('/me/approval-tasks', { token: reviewer.token }));
    disabled(await api.get('/me/approval-tasks', { token: customer.token }));
  });

  it('rule 1: ids that do not exist also answer 409 approvals_disabled (the module is off before anything is looked up)', async () => {
    const ghost = randomUUID();
    disabled(await api.get(`/approvals/${ghost}`, { token: agent.token }));
    disabled(
      await api.post(`/approvals/${ghost}/decisions`, { decision: 'approve' }, { token: agent.token }),
    );
    disabled(await api.get(`/approval-templates/${ghost}`, { token: agent.token }));
    disabled(await api.get(`/approval-groups/${ghost}`, { token: agent.token }));
  });

  it('rule 1: tickets keep working: create, list, read, patch, messages, activity', async () => {
    const created = await ok(
      api.post(
        '/tickets',
        { subject: 'Printer jam', body: 'Paper stuck', requesterId: customer.id, contactIds: [] },
        { token: agent.token },
      ),
      201,
    );
    const id = created.body.id;
    expect(created.body.subject).toBe('Printer jam');
    expect(created.body.status).toBe('open');
    expect(created.body.approvalStatus).toBeNull();

    const byContact = await ok(
      api.post('/tickets', { subject: 'From portal', body: 'Hello' }, { token: customer.token }),
      201,
    );
    expect(byContact.body.requesterId).toBe(customer.id);

    const list = await ok(api.get('/tickets', { token: agent.token }));
    const ids = list.body.items.map((t: any) => t.id);
    expect(ids).toEqual(expect.arrayContaining([id, byContact.body.id, ticket.id]));
    const none = await ok(api.get('/tickets?approvalStatus=none', { token: agent.token }));
    expect(none.body.items.map((t: any) => t.id)).toContain(id);
    expect(none.body.items.map((t: any) => t.id)).not.toContain(ticket.id);
    const portal = await ok(api.get('/tickets', { token: customer.token }));
    expect(portal.body.items.map((t: any) => t.id)).toContain(byContact.body.id);

    const read = await ok(api.get(`/tickets/${id}`, { token: agent.token }));
    expect(read.body.subject).toBe('Printer jam');

    const patched = await ok(
      api.patch(`/tickets/${id}`, { status: 'on_hold', subject: 'Printer jammed' }, { token: agent.token }),
    );
    expect(patched.body.status).toBe('on_hold');
    expect(patched.body.subject).toBe('Printer jammed');
    const assigned = await ok(api.patch(`/tickets/${id}`, { assigneeId: agent.id }, { token: agent.token }));
    expect(assigned.body.assigneeId).toBe(agent.id);

    const pub = await ok(
      api.post(`/tickets/${id}/messages`, { body: 'On it', public: true }, { token: agent.token }),
      201,
    );
    expect(pub.body.public).toBe(true);
    await ok(
      api.post(`/tickets/${id}/messages`, { body: 'Internal note', public: false }, { token: agent.token }),
      201,
    );
    await ok(
      api.post(`/tickets/${id}/messages`, { body: 'Thanks', public: true }, { token: customer.token }),
      201,
    );

    const solved = await ok(api.patch(`/tickets/${id}`, { status: 'solved' }, { token: agent.token }));
    expect(solved.body.status).toBe('solved');

    const activity = await ok(api.get(`/tickets/${id}/activity`, { token: agent.token }));
    expect(activity.body.items.map((a: any) => a.type)).toEqual([
      'ticket_created',
      'ticket_updated',
      'ticket_updated',
      'message_added',
      'message_added',
      'message_added',
      'ticket_updated',
    ]);
    const contactActivity = await ok(api.get(`/tickets/${id}/activity`, { token: customer.token }));
    expect(contactActivity.body.items.map((a: any) => a.type)).toEqual([
      'ticket_created',
      'ticket_updated',
      'ticket_updated',
      'message_added',
      'message_added',
      'ticket_updated',
    ]);
    const withMessages = await ok(api.get(`/tickets/${id}`, { token: customer.token }));
    expect(withMessages.body.messages.map((m: any) => m.body)).toEqual(['Paper stuck', 'On it', 'Thanks']);
  });

  it('rule 1: nothing changed while the module was off, and switching it back on restores every endpoint', async () => {
    await ws.settings({ approvalsEnabled: true });
    try {
      const pending = await ok(api.get(`/approvals/${pendingId}`, { token: agent.token }));
      expect(pending.body.status).toBe('pending');
      expect(pending.body.comments).toEqual([]);
      expect(pending.body.steps[0].approvers.map((a: any) => [a.id, a.decision])).toEqual([
        [approver.id, null],
      ]);
      const denied = await ok(api.get(`/approvals/${deniedId}`, { token: agent.token }));
      expect(denied.body.status).toBe('denied');
      expect(denied.body.appeal).toBeNull();
      const appealed = await ok(api.get(`/approvals/${appealedId}`, { token: agent.token }));
      expect(appealed.body.status).toBe('appeal_pending');
      expect(appealed.body.appeal.decision).toBeNull();
      const group = await ok(api.get(`/approval-groups/${groupId}`, { token: agent.token }));
      expect(group.body.name).toBe('Finance');
      const template = await ok(api.get(`/approval-templates/${templateId}`, { token: agent.token }));
      expect(template.body.name).toBe('Hardware');
      const list = await ok(api.get(`/tickets/${ticket.id}/approvals`, { token: agent.token }));
      expect(list.body.items.map((a: any) => a.id)).toEqual([pendingId]);
      const tasks = await ok(api.get('/me/approval-tasks', { token: approver.token }));
      expect(tasks.body.awaitingMe.map((a: any) => a.id)).toEqual([pendingId]);
      const activity = await ok(api.get(`/tickets/${ticket.id}/activity`, { token: agent.token }));
      expect(activity.body.items.map((a: any) => a.type)).toEqual([
        'ticket_created',
        'approval_requested',
        'step_started',
      ]);
    } finally {
      await ws.settings({ approvalsEnabled: false });
    }
  });
});
