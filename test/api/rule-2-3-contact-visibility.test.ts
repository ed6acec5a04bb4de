import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC rule 2 (who among contacts sees an approval, and cross-workspace ids)
 * and rule 3 (what a contact sees of it).
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let agent: Person;
let approver: Person;
let reviewer: Person;
/** The ticket's requester. */
let requester: Person;
/** On the ticket as a CC contact. */
let cc: Person;
/** Named as an approver, with no access to the ticket. */
let outsideApprover: Person;
/** Neither access nor named. */
let stranger: Person;
let ticket: { id: string; number: number };
let approvalId: string;

function expectProblem(res: Response, status: number, code: string) {
  const detail = `${res.status} ${JSON.stringify(res.body)}`;
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  expect(res.body.code, detail).toBe(code);
}

const notFound = (res: Response) => expectProblem(res, 404, 'not_found');

async function ok(res: Promise<Response>, status = 200): Promise<Response> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

const ids = (items: any[]) => items.map((i) => i.id);

async function adHoc(ticketId: string, approvers: any[], extra: Record<string, unknown> = {}) {
  const res = await ok(
    api.post(
      `/tickets/${ticketId}/approvals`,
      { title: 'Buy a laptop', approvers, ...extra },
      { token: agent.token },
    ),
    201,
  );
  return res.body.id as string;
}

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, { approvalsEnabled: true, appealsEnabled: true });
  agent = await ws.member();
  approver = await ws.member();
  reviewer = await ws.member();
  requester = await ws.contact();
  cc = await ws.contact();
  outsideApprover = await ws.contact();
  stranger = await ws.contact();
  ticket = await ws.ticket(requester, { contactIds: [cc.id] });
  approvalId = await adHoc(ticket.id, [
    { type: 'contact', id: outsideApprover.id },
    { type: 'member', id: approver.id },
  ]);
});
afterAll(() => server?.close());

describe(`rule 2: contact visibility (${engine})`, () => {
  it('rule 2: contactsCanViewApprovals is off by default and members always see the approval', async () => {
    const settings = await ok(api.get('/settings', { token: ws.admin.token }));
    expect(settings.body.contactsCanViewApprovals).toBe(false);
    const seen = await ok(api.get(`/approvals/${approvalId}`, { token: agent.token }));
    expect(seen.body.id).toBe(approvalId);
    const list = await ok(api.get(`/tickets/${ticket.id}/approvals`, { token: approver.token }));
    expect(ids(list.body.items)).toEqual([approvalId]);
  });

  it('rule 2: switch off → 404 on GET /approvals/{id} for every contact not named on it', async () => {
    for (const contact of [requester, cc, stranger]) {
      notFound(await api.get(`/approvals/${approvalId}`, { token: contact.token }));
    }
  });

  it('SPEC §8.6: switch off → the contact approver without ticket access still sees it, as their email link does', async () => {
    const one = await ok(api.get(`/approvals/${approvalId}`, { token: outsideApprover.token }));
    expect(one.body.id).toBe(approvalId);
    expect(one.body.canRespond).toBe(true);
    notFound(await api.get(`/tickets/${ticket.id}`, { token: outsideApprover.token }));
  });

  it('rule 2: switch off → absent from GET /tickets/{id}/approvals for contacts with ticket access', async () => {
    for (const contact of [requester, cc]) {
      const list = await ok(api.get(`/tickets/${ticket.id}/approvals`, { token: contact.token }));
      expect(list.body).toEqual({ items: [], nextCursor: null });
    }
    // No access to the ticket at all: the ticket does not exist for them.
    notFound(await api.get(`/tickets/${ticket.id}/approvals`, { token: outsideApprover.token }));
    notFound(await api.get(`/tickets/${ticket.id}/approvals`, { token: stranger.token }));
  });

  it('SPEC §8.6: switch off → still in the contact approver’s tasks (their portal links to it)', async () => {
    const tasks = await ok(api.get('/me/approval-tasks', { token: outsideApprover.token }));
    expect(ids(tasks.body.awaitingMe)).toEqual([approvalId]);
    expect(tasks.body.requestedByMe).toEqual([]);
    // The member approver does have it.
    const member = await ok(api.get('/me/approval-tasks', { token: approver.token }));
    expect(ids(member.body.awaitingMe)).toEqual([approvalId]);
  });

  it('rule 2: switch off → contacts not named on it cannot act on it either (404, not 403)', async () => {
    notFound(await api.post(`/approvals/${approvalId}/comments`, { body: 'Why?' }, { token: cc.token }));
    notFound(
      await api.post(`/approvals/${approvalId}/decisions`, { decision: 'deny' }, { token: requester.token }),
    );
    const still = await ok(api.get(`/approvals/${approvalId}`, { token: agent.token }));
    expect(still.body.status).toBe('pending');
    expect(still.body.steps[0].approvers.every((a: any) => a.decision === null)).toBe(true);
    expect(still.body.comments).toEqual([]);
  });

  it('rule 2: switch off → the ticket itself stays visible to its contacts, without approval activity or status', async () => {
    const read = await ok(api.get(`/tickets/${ticket.id}`, { token: requester.token }));
    expect(read.body.id).toBe(ticket.id);
    expect(read.body.approvalStatus).toBeNull();
    const activity = await ok(api.get(`/tickets/${ticket.id}/activity`, { token: requester.token }));
    expect(activity.body.items.map((a: any) => a.type)).toEqual(['ticket_created']);
    expect(activity.body.items.every((a: any) => a.approvalId === null)).toBe(true);
    const list = await ok(api.get('/tickets', { token: cc.token }));
    const row = list.body.items.find((t: any) => t.id === ticket.id);
    expect(row.approvalStatus).toBeNull();
    // The filter does not reveal it either.
    const pending = await ok(api.get('/tickets?approvalStatus=pending', { token: requester.token }));
    expect(ids(pending.body.items)).not.toContain(ticket.id);
    const none = await ok(api.get('/tickets?approvalStatus=none', { token: requester.token }));
    expect(ids(none.body.items)).toContain(ticket.id);
    // Members still see the status.
    const agentRead = await ok(api.get(`/tickets/${ticket.id}`, { token: agent.token }));
    expect(agentRead.body.approvalStatus).toBe('pending');
  });

  it('rule 2: switch on → the requester and a CC contact (ticket access) see it', async () => {
    await ws.settings({ contactsCanViewApprovals: true });
    for (const contact of [requester, cc]) {
      const one = await ok(api.get(`/approvals/${approvalId}`, { token: contact.token }));
      expect(one.body.id).toBe(approvalId);
      expect(one.body.ticketId).toBe(ticket.id);
      expect(one.body.status).toBe('pending');
      const list = await ok(api.get(`/tickets/${ticket.id}/approvals`, { token: contact.token }));
      expect(ids(list.body.items)).toEqual([approvalId]);
      const tickets = await ok(api.get('/tickets?approvalStatus=pending', { token: contact.token }));
      expect(ids(tickets.body.items)).toContain(ticket.id);
      const activity = await ok(api.get(`/tickets/${ticket.id}/activity`, { token: contact.token }));
      expect(activity.body.items.map((a: any) => a.type)).toEqual([
        'ticket_created',
        'approval_requested',
        'step_started',
      ]);
    }
    // Having access is not being an approver: the requester is not in anyone's awaiting list.
    const tasks = await ok(api.get('/me/approval-tasks', { token: requester.token }));
    expect(tasks.body).toEqual({ awaitingMe: [], requestedByMe: [] });
  });

  it('rule 2: switch on → a contact approver without ticket access sees it via GET /approvals/{id} and tasks, not the ticket', async () => {
    const one = await ok(api.get(`/approvals/${approvalId}`, { token: outsideApprover.token }));
    expect(one.body.id).toBe(approvalId);
    expect(one.body.canRespond).toBe(true);
    const tasks = await ok(api.get('/me/approval-tasks', { token: outsideApprover.token }));
    expect(ids(tasks.body.awaitingMe)).toEqual([approvalId]);
    expect(tasks.body.requestedByMe).toEqual([]);
    notFound(await api.get(`/tickets/${ticket.id}`, { token: outsideApprover.token }));
    notFound(await api.get(`/tickets/${ticket.id}/approvals`, { token: outsideApprover.token }));
    notFound(await api.get(`/tickets/${ticket.id}/activity`, { token: outsideApprover.token }));
    const list = await ok(api.get('/tickets', { token: outsideApprover.token }));
    expect(ids(list.body.items)).not.toContain(ticket.id);
  });

  it('rule 2: switch on → a contact with neither access nor a role gets 404 everywhere', async () => {
    notFound(await api.get(`/approvals/${approvalId}`, { token: stranger.token }));
    notFound(await api.get(`/tickets/${ticket.id}/approvals`, { token: stranger.token }));
    notFound(await api.get(`/tickets/${ticket.id}`, { token: stranger.token }));
    notFound(
      await api.post(
        `/approvals/${approvalId}/decisions`,
        { decision: 'approve' },
        { token: stranger.token },
      ),
    );
    notFound(await api.post(`/approvals/${approvalId}/comments`, { body: 'Hi' }, { token: stranger.token }));
    notFound(await api.post(`/approvals/${approvalId}/appeal`, { reason: 'Hi' }, { token: stranger.token }));
    const tasks = await ok(api.get('/me/approval-tasks', { token: stranger.token }));
    expect(tasks.body).toEqual({ awaitingMe: [], requestedByMe: [] });
  });

  it('rule 2: a contact removed from the recipients no longer sees the approval', async () => {
    const id = await adHoc(ticket.id, [
      { type: 'contact', id: stranger.id },
      { type: 'member', id: approver.id },
    ]);
    await ok(api.get(`/approvals/${id}`, { token: stranger.token }));
    const before = await ok(api.get('/me/approval-tasks', { token: stranger.token }));
    expect(ids(before.body.awaitingMe)).toEqual([id]);
    await ok(
      api.patch(
        `/approvals/${id}/recipients`,
        { remove: [{ type: 'contact', id: stranger.id }] },
        { token: agent.token },
      ),
    );
    notFound(await api.get(`/approvals/${id}`, { token: stranger.token }));
    const after = await ok(api.get('/me/approval-tasks', { token: stranger.token }));
    expect(after.body.awaitingMe).toEqual([]);
    await ok(api.post(`/approvals/${id}/cancel`, undefined, { token: agent.token }));
  });

  it('rule 2: the contact approver can answer, and still sees the finished approval they were named on', async () => {
    const decided = await ok(
      api.post(
        `/approvals/${approvalId}/decisions`,
        { decision: 'approve' },
        { token: outsideApprover.token },
      ),
    );
    expect(decided.body.status).toBe('approved');
    const one = await ok(api.get(`/approvals/${approvalId}`, { token: outsideApprover.token }));
    expect(one.body.status).toBe('approved');
    expect(one.body.canRespond).toBe(false);
    const tasks = await ok(api.get('/me/approval-tasks', { token: outsideApprover.token }));
    expect(tasks.body.awaitingMe).toEqual([]);
    // The switch back off hides it again from the requester; the approver named on it keeps it (SPEC §8.6).
    await ws.settings({ contactsCanViewApprovals: false });
    await ok(api.get(`/approvals/${approvalId}`, { token: outsideApprover.token }));
    notFound(await api.get(`/approvals/${approvalId}`, { token: requester.token }));
    await ws.settings({ contactsCanViewApprovals: true });
  });

  it('rule 2: another workspace’s admin, member and contact get 404 for the approval, the ticket and every id (never 403)', async () => {
    const group = await ok(
      api.post('/approval-groups', { name: 'Finance', memberIds: [approver.id] }, { token: ws.admin.token }),
      201,
    );
    const template = await ok(
      api.post(
        '/approval-templates',
        {
          name: 'T',
          steps: [{ name: 'S', approvers: [{ type: 'member', id: approver.id }], rule: { type: 'any' } }],
        },
        { token: ws.admin.token },
      ),
      201,
    );
    const pending = await adHoc(ticket.id, [{ type: 'member', id: approver.id }]);

    const other = await newWorkspace(api, {
      approvalsEnabled: true,
      appealsEnabled: true,
      contactsCanViewApprovals: true,
    });
    const otherAgent = await other.member();
    const otherContact = await other.contact();
    const otherTicket = await other.ticket(otherContact);

    for (const token of [other.admin.token, otherAgent.token, otherContact.token]) {
      for (const id of [approvalId, pending]) {
        notFound(await api.get(`/approvals/${id}`, { token }));
        notFound(await api.post(`/approvals/${id}/decisions`, { decision: 'approve' }, { token }));
        notFound(await api.post(`/approvals/${id}/comments`, { body: 'Hello' }, { token }));
        notFound(await api.post(`/approvals/${id}/appeal`, { reason: 'Because' }, { token }));
        notFound(await api.post(`/approvals/${id}/appeal/decisions`, { decision: 'approve' }, { token }));
      }
      notFound(await api.get(`/tickets/${ticket.id}`, { token }));
      notFound(await api.get(`/tickets/${ticket.id}/approvals`, { token }));
      notFound(await api.get(`/tickets/${ticket.id}/activity`, { token }));
      notFound(await api.post(`/tickets/${ticket.id}/messages`, { body: 'Hi', public: true }, { token }));
    }
    const admin = other.admin.token;
    notFound(
      await api.patch(
        `/approvals/${pending}/recipients`,
        { add: [{ type: 'member', id: otherAgent.id }] },
        { token: admin },
      ),
    );
    notFound(await api.post(`/approvals/${pending}/reminders`, {}, { token: admin }));
    notFound(await api.post(`/approvals/${pending}/cancel`, undefined, { token: admin }));
    notFound(await api.patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: admin }));
    notFound(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'X', approvers: [{ type: 'member', id: otherAgent.id }] },
        { token: admin },
      ),
    );
    notFound(await api.get(`/approval-groups/${group.body.id}`, { token: admin }));
    notFound(await api.patch(`/approval-groups/${group.body.id}`, { name: 'Mine' }, { token: admin }));
    notFound(await api.delete(`/approval-groups/${group.body.id}`, { token: admin }));
    notFound(await api.get(`/approval-templates/${template.body.id}`, { token: admin }));
    notFound(
      await api.put(
        `/approval-templates/${template.body.id}`,
        {
          name: 'Mine',
          steps: [{ name: 'S', approvers: [{ type: 'member', id: otherAgent.id }], rule: { type: 'any' } }],
        },
        { token: admin },
      ),
    );
    notFound(await api.delete(`/approval-templates/${template.body.id}`, { token: admin }));
    // Ids of this workspace inside a request body of the other one are unknown there too.
    notFound(
      await api.post(
        `/tickets/${otherTicket.id}/approvals`,
        { templateId: template.body.id },
        { token: admin },
      ),
    );
    notFound(
      await api.post(
        `/tickets/${otherTicket.id}/approvals`,
        { title: 'X', approvers: [{ type: 'member', id: approver.id }] },
        { token: admin },
      ),
    );
    notFound(
      await api.post(
        `/tickets/${otherTicket.id}/approvals`,
        { title: 'X', approvers: [{ type: 'group', id: group.body.id }] },
        { token: admin },
      ),
    );
    // None of it shows up in the other workspace's lists.
    const tickets = await ok(api.get('/tickets', { token: admin }));
    expect(ids(tickets.body.items)).toEqual([otherTicket.id]);
    const tasks = await ok(api.get('/me/approval-tasks', { token: admin }));
    expect(tasks.body).toEqual({ awaitingMe: [], requestedByMe: [] });
    const groups = await ok(api.get('/approval-groups', { token: admin }));
    expect(groups.body.items).toEqual([]);
    const templates = await ok(api.get('/approval-templates', { token: admin }));
    expect(templates.body.items).toEqual([]);

    // And nothing changed here.
    const still = await ok(api.get(`/approvals/${pending}`, { token: agent.token }));
    expect(still.body.status).toBe('pending');
    expect(still.body.comments).toEqual([]);
    expect(still.body.steps[0].approvers.map((a: any) => a.id)).toEqual([approver.id]);
    await ok(api.get(`/approval-groups/${group.body.id}`, { token: agent.token }));
    await ok(api.get(`/approval-templates/${template.body.id}`, { token: agent.token }));
    await ok(api.post(`/approvals/${pending}/cancel`, undefined, { token: agent.token }));
  });
});

describe(`rule 3: what a contact sees of an approval (${engine})`, () => {
  let id: string;
  let t2: { id: string; number: number };
  const PUBLIC_COMMENT = 'We found the model you asked for';
  const INTERNAL_COMMENT = 'Internal: ask bob@corp.example about the discount';

  /** Nothing that reveals email addresses, internal comments, form data or tokens. */
  function expectContactSafe(res: Response) {
    const json = JSON.stringify(res.body);
    expect(json, json).not.toContain('@');
    expect(json).not.toContain(INTERNAL_COMMENT);
    expect(json).not.toContain('CC-4242');
    expect(json).not.toMatch(/formData/);
    expect(json).not.toMatch(/token/i);
    expect(json).not.toMatch(/email/i);
  }

  beforeAll(async () => {
    await ws.settings({ contactsCanViewApprovals: true, appealsEnabled: true });
    const template = await ok(
      api.post(
        '/approval-templates',
        {
          name: 'Hardware purchase',
          description: 'Buying a laptop for the team',
          allowAppeals: true,
          appealReviewers: [{ type: 'member', id: reviewer.id }],
          steps: [
            {
              name: 'Manager review',
              approvers: [{ type: 'member', id: approver.id }],
              rule: { type: 'any' },
            },
            { name: 'Customer sign-off', approvers: [{ type: 'ticket_requester' }], rule: { type: 'any' } },
          ],
        },
        { token: ws.admin.token },
      ),
      201,
    );
    t2 = await ws.ticket(requester, { contactIds: [cc.id] });
    const created = await ok(
      api.post(
        `/tickets/${t2.id}/approvals`,
        {
          templateId: template.body.id,
          onBehalfOf: { type: 'contact', id: requester.id },
          formData: { costCenter: 'CC-4242', managerEmail: 'boss@corp.example' },
        },
        { token: agent.token },
      ),
      201,
    );
    id = created.body.id;
    expect(created.body.formData).toEqual({ costCenter: 'CC-4242', managerEmail: 'boss@corp.example' });
  });

  it('rule 3: decision responses, comments and appeals sent by a contact carry nothing private', async () => {
    const approved = await ok(
      api.post(
        `/approvals/${id}/decisions`,
        { decision: 'approve', comment: 'Budget is fine' },
        { token: approver.token },
      ),
    );
    expect(approved.body.currentStepIndex).toBe(1);
    await ok(api.post(`/approvals/${id}/comments`, { body: PUBLIC_COMMENT }, { token: agent.token }), 201);
    const internal = await ok(
      api.post(
        `/approvals/${id}/comments`,
        { body: INTERNAL_COMMENT, internal: true },
        { token: agent.token },
      ),
      201,
    );
    expect(internal.body.internal).toBe(true);

    const comment = await ok(
      api.post(`/approvals/${id}/comments`, { body: 'Can it be blue?' }, { token: requester.token }),
      201,
    );
    expectContactSafe(comment);
    expect(comment.body.body).toBe('Can it be blue?');
    expect(comment.body.internal).toBe(false);

    const denied = await ok(
      api.post(
        `/approvals/${id}/decisions`,
        { decision: 'deny', comment: 'Too expensive' },
        { token: requester.token },
      ),
    );
    expectContactSafe(denied);
    expect(denied.body.status).toBe('denied');

    const appealed = await ok(
      api.post(`/approvals/${id}/appeal`, { reason: 'Please reconsider, it is needed' }, { token: cc.token }),
    );
    expectContactSafe(appealed);
    expect(appealed.body.status).toBe('appeal_pending');
  });

  it('rule 3: a contact sees title, description, status, step names, approver names, decision comments, public comments and the appeal', async () => {
    for (const contact of [requester, cc]) {
      const res = await ok(api.get(`/approvals/${id}`, { token: contact.token }));
      expectContactSafe(res);
      const a = res.body;
      expect(a.title).toBe('Hardware purchase');
      expect(a.description).toBe('Buying a laptop for the team');
      expect(a.status).toBe('appeal_pending');
      expect(a.displayStatus).toBe('appeal_pending');
      expect(a).not.toHaveProperty('formData');
      expect(a.steps.map((s: any) => s.name)).toEqual(['Manager review', 'Customer sign-off']);
      expect(a.steps.map((s: any) => s.status)).toEqual(['approved', 'denied']);
      expect(a.steps.map((s: any) => s.approvers.map((p: any) => [p.type, p.id, p.name]))).toEqual([
        [['member', approver.id, approver.name]],
        [['contact', requester.id, requester.name]],
      ]);
      expect(a.steps.map((s: any) => s.approvers.map((p: any) => [p.decision, p.comment]))).toEqual([
        [['approve', 'Budget is fine']],
        [['deny', 'Too expensive']],
      ]);
      expect(a.comments.map((c: any) => [c.author.name, c.body, c.internal])).toEqual([
        [agent.name, PUBLIC_COMMENT, false],
        [requester.name, 'Can it be blue?', false],
      ]);
      expect(a.appeal.reason).toBe('Please reconsider, it is needed');
      expect(a.appeal.status).toBe('pending');
      expect(a.appeal.decision).toBeNull();
      expect(a.appeal.reviewers.map((r: any) => [r.type, r.id, r.name])).toEqual([
        ['member', reviewer.id, reviewer.name],
      ]);
      expect(a.appeal.requestedBy).toMatchObject({ type: 'contact', id: cc.id, name: cc.name });
    }
  });

  it('rule 3: the same holds in the ticket’s approval list, the tasks list, the ticket and its activity', async () => {
    const list = await ok(api.get(`/tickets/${t2.id}/approvals`, { token: requester.token }));
    expectContactSafe(list);
    expect(ids(list.body.items)).toEqual([id]);
    expect(list.body.items[0].comments.map((c: any) => c.body)).toEqual([PUBLIC_COMMENT, 'Can it be blue?']);
    expect(list.body.items[0].appeal.reason).toBe('Please reconsider, it is needed');
    const tasks = await ok(api.get('/me/approval-tasks', { token: requester.token }));
    expectContactSafe(tasks);
    const ticketRead = await ok(api.get(`/tickets/${t2.id}`, { token: requester.token }));
    expectContactSafe(ticketRead);
    const activity = await ok(api.get(`/tickets/${t2.id}/activity`, { token: cc.token }));
    expectContactSafe(activity);
    expect(activity.body.items.filter((a: any) => a.type === 'comment')).toHaveLength(2);
  });

  it('rule 3: members do see the form data and internal comments (so the contact view really filters them)', async () => {
    const res = await ok(api.get(`/approvals/${id}`, { token: agent.token }));
    expect(res.body.formData).toEqual({ costCenter: 'CC-4242', managerEmail: 'boss@corp.example' });
    expect(res.body.comments.map((c: any) => [c.body, c.internal])).toEqual([
      [PUBLIC_COMMENT, false],
      [INTERNAL_COMMENT, true],
      ['Can it be blue?', false],
    ]);
    const activity = await ok(api.get(`/tickets/${t2.id}/activity`, { token: agent.token }));
    expect(activity.body.items.filter((a: any) => a.type === 'comment')).toHaveLength(3);
  });

  it('rule 3: after the appeal is decided the contact sees the decision and its comment', async () => {
    await ok(
      api.post(
        `/approvals/${id}/appeal/decisions`,
        { decision: 'approve', comment: 'Fine, go ahead' },
        { token: reviewer.token },
      ),
    );
    const res = await ok(api.get(`/approvals/${id}`, { token: requester.token }));
    expectContactSafe(res);
    expect(res.body.status).toBe('approved');
    expect(res.body.appeal.status).toBe('approved');
    expect(res.body.appeal.decision).toMatchObject({
      value: 'approve',
      comment: 'Fine, go ahead',
      by: { type: 'member', id: reviewer.id, name: reviewer.name },
    });
  });
});
