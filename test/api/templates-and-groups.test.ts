import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agents,
  contactRef,
  createGroup,
  createTemplate,
  decide,
  expectProblem,
  expectStatus,
  groupRef,
  keys,
  memberRef,
  outboxRows,
  recipientsOf,
  requestApproval,
} from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/** SPEC §2: approval groups and templates, approver references, rules, ad hoc requests. */

let server: TestServer;
let api: Client;

/**
 * One workspace (contacts see approvals, no contact emails) and its people for the tests that do not
 * list everything of a workspace: signing people up is slow. Each test works on its own ticket.
 */
let ws: Workspace;
let m: Person[];
let k: Person[];

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, { approvalsEnabled: true, contactsCanViewApprovals: true });
  [m, k] = await Promise.all([agents(ws, 6), Promise.all([ws.contact(), ws.contact(), ws.contact()])]);
});
afterAll(() => server?.close());

const db = () => server.database.handle.db;
const approverKeys = (step: any) => keys(step.approvers);

describe(`templates and groups (${engine})`, () => {
  it('§2 templates: create, list, get, put and delete; only admins write, contacts may not read', async () => {
    const ws = await newWorkspace(api);
    const [[agent, reviewer], customer] = await Promise.all([agents(ws, 2), ws.contact()]);
    const body = {
      name: 'Laptop purchase',
      description: 'Hardware over 1,000 EUR',
      allowAppeals: true,
      appealReviewers: [memberRef(reviewer)],
      steps: [
        { name: 'Manager', approvers: [memberRef(agent)], rule: { type: 'any' } },
        {
          name: 'Finance',
          approvers: [{ type: 'ticket_assignee' }, contactRef(customer)],
          rule: { type: 'min', count: 2 },
        },
      ],
    };
    const created = await createTemplate(api, ws.admin, body);
    expect(created).toMatchObject({ ...body, id: expect.any(String) });

    // Agents may read but not write; contacts may not even read.
    expectProblem(await api.post('/approval-templates', body, { token: agent.token }), 403, 'admins_only');
    expectProblem(await api.get('/approval-templates', { token: customer.token }), 403, 'members_only');
    expectProblem(
      await api.get(`/approval-templates/${created.id}`, { token: customer.token }),
      403,
      'members_only',
    );

    const second = await createTemplate(api, ws.admin, {
      name: 'Refund',
      steps: [{ name: 'Only', approvers: [memberRef(agent)], rule: { type: 'all' } }],
    });
    expect(second).toMatchObject({
      name: 'Refund',
      description: null,
      allowAppeals: false,
      appealReviewers: [],
    });

    const list = expectStatus(await api.get('/approval-templates', { token: agent.token }), 200);
    expect(list.items.map((t: any) => t.id).sort()).toEqual([created.id, second.id].sort());
    expect(list.nextCursor).toBeNull();
    const page1 = expectStatus(await api.get('/approval-templates?limit=1', { token: agent.token }), 200);
    expect(page1.items).toHaveLength(1);
    expect(typeof page1.nextCursor).toBe('string');
    const page2 = expectStatus(
      await api.get(`/approval-templates?limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`, {
        token: agent.token,
      }),
      200,
    );
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0].id).not.toBe(page1.items[0].id);

    const got = expectStatus(await api.get(`/approval-templates/${created.id}`, { token: agent.token }), 200);
    expect(got).toEqual(created);

    const replaced = {
      name: 'Laptop purchase v2',
      allowAppeals: false,
      steps: [{ name: 'Director', approvers: [memberRef(reviewer)], rule: { type: 'all' } }],
    };
    expectProblem(
      await api.put(`/approval-templates/${created.id}`, replaced, { token: agent.token }),
      403,
      'admins_only',
    );
    const put = expectStatus(
      await api.put(`/approval-templates/${created.id}`, replaced, { token: ws.admin.token }),
      200,
    );
    expect(put).toMatchObject({ ...replaced, id: created.id, description: null, appealReviewers: [] });
    const afterPut = expectStatus(
      await api.get(`/approval-templates/${created.id}`, { token: agent.token }),
      200,
    );
    expect(afterPut).toMatchObject(replaced);

    expectProblem(
      await api.delete(`/approval-templates/${created.id}`, { token: agent.token }),
      403,
      'admins_only',
    );
    const deleted = await api.delete(`/approval-templates/${created.id}`, { token: ws.admin.token });
    expect(deleted.status).toBe(204);
    expectProblem(
      await api.get(`/approval-templates/${created.id}`, { token: agent.token }),
      404,
      'not_found',
    );
    expectProblem(
      await api.put(`/approval-templates/${created.id}`, replaced, { token: ws.admin.token }),
      404,
      'not_found',
    );
    const after = expectStatus(await api.get('/approval-templates', { token: agent.token }), 200);
    expect(after.items.map((t: any) => t.id)).toEqual([second.id]);
    // A deleted template can no longer be used.
    const ticket = await ws.ticket(customer);
    expectProblem(
      await api.post(`/tickets/${ticket.id}/approvals`, { templateId: created.id }, { token: agent.token }),
      404,
      'not_found',
    );
  });

  it('§2 templates: a step needs approvers, a min rule a count, and referenced people must exist', async () => {
    const agent = m[0]!;
    const noApprovers = await api.post(
      '/approval-templates',
      { name: 'T', steps: [{ name: 'S', approvers: [], rule: { type: 'any' } }] },
      { token: ws.admin.token },
    );
    expectProblem(noApprovers, 400, 'invalid_request');
    const noCount = await api.post(
      '/approval-templates',
      { name: 'T', steps: [{ name: 'S', approvers: [memberRef(agent)], rule: { type: 'min' } }] },
      { token: ws.admin.token },
    );
    expectProblem(noCount, 400, 'invalid_request');
    const noSteps = await api.post(
      '/approval-templates',
      { name: 'T', steps: [] },
      { token: ws.admin.token },
    );
    expectProblem(noSteps, 400, 'invalid_request');
    const unknown = await api.post(
      '/approval-templates',
      {
        name: 'T',
        steps: [
          {
            name: 'S',
            approvers: [memberRef({ id: '00000000-0000-4000-8000-000000000000' })],
            rule: { type: 'any' },
          },
        ],
      },
      { token: ws.admin.token },
    );
    expectProblem(unknown, 404, 'not_found');
  });

  it('§2 groups: create with members and contacts, list, get, change membership, delete; a group in use is kept', async () => {
    const ws = await newWorkspace(api);
    const [agent, m1, m2, c1] = await Promise.all([
      ws.member(),
      ws.member('agent', 'Alice Member'),
      ws.member('agent', 'Bob Member'),
      ws.contact('Carol Contact'),
    ]);

    expectProblem(
      await api.post('/approval-groups', { name: 'G' }, { token: agent.token }),
      403,
      'admins_only',
    );
    const group = await createGroup(api, ws.admin, {
      name: 'Finance',
      memberIds: [m1.id, m1.id],
      contactIds: [c1.id],
    });
    expect(group).toMatchObject({
      id: expect.any(String),
      name: 'Finance',
      memberIds: [m1.id],
      contactIds: [c1.id],
      members: [{ id: m1.id, name: 'Alice Member' }],
      contacts: [{ id: c1.id, name: 'Carol Contact' }],
    });
    const empty = await createGroup(api, ws.admin, { name: 'Empty' });
    expect(empty).toMatchObject({ name: 'Empty', memberIds: [], contactIds: [] });

    const list = expectStatus(await api.get('/approval-groups', { token: agent.token }), 200);
    expect(list.items.map((g: any) => g.name).sort()).toEqual(['Empty', 'Finance']);
    expect(list.nextCursor).toBeNull();
    expect(expectStatus(await api.get(`/approval-groups/${group.id}`, { token: agent.token }), 200)).toEqual(
      group,
    );

    expectProblem(
      await api.patch(`/approval-groups/${group.id}`, { memberIds: [m2.id] }, { token: agent.token }),
      403,
      'admins_only',
    );
    const patched = expectStatus(
      await api.patch(
        `/approval-groups/${group.id}`,
        { name: 'Finance team', memberIds: [m2.id] },
        { token: ws.admin.token },
      ),
      200,
    );
    // Only the lists that were sent change.
    expect(patched).toMatchObject({ name: 'Finance team', memberIds: [m2.id], contactIds: [c1.id] });
    const cleared = expectStatus(
      await api.patch(`/approval-groups/${group.id}`, { contactIds: [] }, { token: ws.admin.token }),
      200,
    );
    expect(cleared).toMatchObject({ memberIds: [m2.id], contactIds: [] });
    expectProblem(
      await api.patch(
        `/approval-groups/${group.id}`,
        { memberIds: ['00000000-0000-4000-8000-000000000000'] },
        { token: ws.admin.token },
      ),
      404,
      'not_found',
    );

    const template = await createTemplate(api, ws.admin, {
      name: 'Uses the group',
      steps: [{ name: 'S', approvers: [groupRef(group)], rule: { type: 'any' } }],
    });
    expectProblem(
      await api.delete(`/approval-groups/${group.id}`, { token: ws.admin.token }),
      409,
      'group_in_use',
    );
    expect((await api.delete(`/approval-templates/${template.id}`, { token: ws.admin.token })).status).toBe(
      204,
    );
    expect((await api.delete(`/approval-groups/${group.id}`, { token: ws.admin.token })).status).toBe(204);
    expectProblem(await api.get(`/approval-groups/${group.id}`, { token: agent.token }), 404, 'not_found');
  });

  it('§2 references are resolved when their step starts: a group changed between step 1 and step 2 asks its new people', async () => {
    const [agent, first, early, late, outsider] = m as [Person, Person, Person, Person, Person];
    const [customer, lateContact] = k as [Person, Person];
    const stepOneGroup = await createGroup(api, ws.admin, { name: 'Step one', memberIds: [first.id] });
    const stepTwoGroup = await createGroup(api, ws.admin, { name: 'Step two', memberIds: [early.id] });
    const template = await createTemplate(api, ws.admin, {
      name: 'Two steps',
      steps: [
        { name: 'One', approvers: [groupRef(stepOneGroup)], rule: { type: 'any' } },
        { name: 'Two', approvers: [groupRef(stepTwoGroup)], rule: { type: 'all' } },
      ],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id });
    expect(approverKeys(created.steps[0])).toEqual(keys([memberRef(first)]));
    // Step two has not started, so nobody is resolved for it yet.
    expect(created.steps[1].approvers).toEqual([]);
    expect(created.steps[1].status).toBe('waiting');

    // Changing the first group now does not change the step already started: its people are kept.
    expectStatus(
      await api.patch(
        `/approval-groups/${stepOneGroup.id}`,
        { memberIds: [outsider.id] },
        { token: ws.admin.token },
      ),
      200,
    );
    // The second group changes before its step starts.
    expectStatus(
      await api.patch(
        `/approval-groups/${stepTwoGroup.id}`,
        { memberIds: [late.id], contactIds: [lateContact.id] },
        { token: ws.admin.token },
      ),
      200,
    );
    const stillOne = expectStatus(await api.get(`/approvals/${created.id}`, { token: agent.token }), 200);
    expect(approverKeys(stillOne.steps[0])).toEqual(keys([memberRef(first)]));
    expectProblem(
      await api.post(
        `/approvals/${created.id}/decisions`,
        { decision: 'approve' },
        { token: outsider.token },
      ),
      403,
      'not_an_approver',
    );

    const moved = await decide(api, first, created.id, 'approve');
    expect(moved.currentStepIndex).toBe(1);
    expect(approverKeys(moved.steps[1])).toEqual(keys([memberRef(late), contactRef(lateContact)]));
    expect(moved.steps[1].approvers.find((a: any) => a.id === late.id).name).toBe(late.name);
    const requested = await outboxRows(db(), created.id, 'approval_requested');
    const stepTwoRows = requested.filter((r: any) => r.payload.stepIndex === 1);
    // The contact gets no email: contactApprovalEmails is off.
    expect(recipientsOf(stepTwoRows)).toEqual([`member:${late.id}`]);
    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: early.token }),
      403,
      'not_an_approver',
    );
  });

  it('§2 ticket_requester, ticket_contacts and ticket_assignee resolve to the ticket people when the step starts; duplicates collapse', async () => {
    const [agent, gatekeeper, assignee, newAssignee] = m as [Person, Person, Person, Person];
    const [requester, cc1, cc2] = k as [Person, Person, Person];
    const group = await createGroup(api, ws.admin, {
      name: 'Mixed',
      memberIds: [newAssignee.id, gatekeeper.id],
      contactIds: [requester.id],
    });
    const template = await createTemplate(api, ws.admin, {
      name: 'People of the ticket',
      steps: [
        {
          name: 'Customer side',
          approvers: [
            { type: 'ticket_requester' },
            { type: 'ticket_contacts' },
            contactRef(requester),
            { type: 'ticket_requester' },
            contactRef(cc1),
          ],
          rule: { type: 'all' },
        },
        {
          name: 'Our side',
          approvers: [{ type: 'ticket_assignee' }, memberRef(newAssignee), groupRef(group)],
          rule: { type: 'all' },
        },
      ],
    });
    const ticket = await ws.ticket(requester, { contactIds: [cc1.id, cc2.id], assigneeId: assignee.id });
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id });
    expect(created.steps[0].approvers).toHaveLength(3);
    expect(approverKeys(created.steps[0])).toEqual(
      keys([contactRef(requester), contactRef(cc1), contactRef(cc2)]),
    );

    // The assignee changes while step one runs: step two asks the assignee of that moment.
    expectStatus(
      await api.patch(`/tickets/${ticket.id}`, { assigneeId: newAssignee.id }, { token: agent.token }),
      200,
    );
    for (const c of [requester, cc1]) await decide(api, c, created.id, 'approve');
    const moved = await decide(api, cc2, created.id, 'approve');
    expect(moved.currentStepIndex).toBe(1);
    // ticket_assignee, the member named directly and the group's member are one person.
    expect(approverKeys(moved.steps[1])).toEqual(
      keys([memberRef(newAssignee), memberRef(gatekeeper), contactRef(requester)]),
    );
    expect(moved.steps[1].approvers).toHaveLength(3);
    const rows = (await outboxRows(db(), created.id, 'approval_requested')).filter(
      (r: any) => r.payload.stepIndex === 1,
    );
    expect(recipientsOf(rows)).toEqual(keys([memberRef(newAssignee), memberRef(gatekeeper)]));
    expectProblem(
      await api.post(
        `/approvals/${created.id}/decisions`,
        { decision: 'approve' },
        { token: assignee.token },
      ),
      403,
      'not_an_approver',
    );
  });

  it('§2 rule any: one approval completes the step; one denial denies the request', async () => {
    const [a, b, c] = m as [Person, Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const approvers = [memberRef(a), memberRef(b), memberRef(c)];

    const one = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Any approve',
      approvers,
      rule: { type: 'any' },
    });
    const approved = await decide(api, b, one.id, 'approve');
    expect(approved.status).toBe('approved');
    expect(approved.steps[0].status).toBe('approved');
    expectProblem(
      await api.post(`/approvals/${one.id}/decisions`, { decision: 'approve' }, { token: a.token }),
      409,
      'not_pending',
    );

    const two = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Any deny',
      approvers,
      rule: { type: 'any' },
    });
    const denied = await decide(api, c, two.id, 'deny');
    expect(denied.status).toBe('denied');
    expect(denied.steps[0].status).toBe('denied');
  });

  it('§2 rule all: every approver must approve; one denial denies the request', async () => {
    const [a, b, c] = m as [Person, Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const approvers = [memberRef(a), memberRef(b), memberRef(c)];

    const one = await requestApproval(api, ws.admin, ticket.id, {
      title: 'All',
      approvers,
      rule: { type: 'all' },
    });
    const afterA = await decide(api, a, one.id, 'approve');
    expect(afterA.status).toBe('pending');
    expect(afterA.displayStatus).toBe('partially_approved');
    const afterB = await decide(api, b, one.id, 'approve');
    expect(afterB.status).toBe('pending');
    const afterC = await decide(api, c, one.id, 'approve');
    expect(afterC.status).toBe('approved');
    expect(afterC.steps[0].approvers.map((x: any) => x.decision)).toEqual(['approve', 'approve', 'approve']);

    const two = await requestApproval(api, ws.admin, ticket.id, {
      title: 'All denied',
      approvers,
      rule: { type: 'all' },
    });
    await decide(api, a, two.id, 'approve');
    const denied = await decide(api, b, two.id, 'deny');
    expect(denied.status).toBe('denied');
    expectProblem(
      await api.post(`/approvals/${two.id}/decisions`, { decision: 'approve' }, { token: c.token }),
      409,
      'not_pending',
    );
  });

  it('§2 rule min: N approvals complete the step; denied as soon as N approvals can no longer be reached', async () => {
    const [a, b, c, d] = m as [Person, Person, Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const approvers = [memberRef(a), memberRef(b), memberRef(c), memberRef(d)];

    const one = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Two of four',
      approvers,
      rule: { type: 'min', count: 2 },
    });
    expect(one.steps[0].rule).toEqual({ type: 'min', count: 2 });
    const first = await decide(api, a, one.id, 'approve');
    expect(first.status).toBe('pending');
    expect(first.displayStatus).toBe('partially_approved');
    expect((await decide(api, b, one.id, 'deny')).status).toBe('pending');
    const done = await decide(api, c, one.id, 'approve');
    expect(done.status).toBe('approved');
    expect(done.steps[0].approvers.find((x: any) => x.id === d.id).decision).toBeNull();

    // 3 of 4: the second denial leaves only 2 possible approvals.
    const two = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Three of four',
      approvers,
      rule: { type: 'min', count: 3 },
    });
    expect((await decide(api, a, two.id, 'deny')).status).toBe('pending');
    expect((await decide(api, b, two.id, 'approve')).status).toBe('pending');
    const denied = await decide(api, c, two.id, 'deny');
    expect(denied.status).toBe('denied');
    expect(denied.steps[0].status).toBe('denied');
    expectProblem(
      await api.post(`/approvals/${two.id}/decisions`, { decision: 'approve' }, { token: d.token }),
      409,
      'not_pending',
    );
  });

  it('§2 ad hoc request: title, picked approvers, rule any by default; a min count above the approvers is 400', async () => {
    const [agent, a, b] = m as [Person, Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);

    const created = await requestApproval(api, agent, ticket.id, {
      title: 'New monitor',
      description: 'A 27 inch one',
      approvers: [memberRef(a), memberRef(b)],
    });
    expect(created).toMatchObject({
      ticketId: ticket.id,
      title: 'New monitor',
      description: 'A 27 inch one',
      status: 'pending',
      displayStatus: 'pending',
      templateId: null,
      currentStepIndex: 0,
      requestedBy: { type: 'member', id: agent.id, name: agent.name },
      onBehalfOf: null,
      appeal: null,
      comments: [],
    });
    expect(typeof created.number).toBe('number');
    expect(created.steps).toHaveLength(1);
    expect(created.steps[0]).toMatchObject({ rule: { type: 'any' }, status: 'active' });
    expect(created.steps[0].approvers).toEqual([
      expect.objectContaining({ type: 'member', id: a.id, name: a.name, decision: null, comment: null }),
      expect.objectContaining({ type: 'member', id: b.id, name: b.name, decision: null, comment: null }),
    ]);
    const again = expectStatus(await api.get(`/approvals/${created.id}`, { token: agent.token }), 200);
    expect(again.steps).toEqual(created.steps);
    expect(again.title).toBe('New monitor');

    const tooMany = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Too many', approvers: [memberRef(a), memberRef(b)], rule: { type: 'min', count: 3 } },
      { token: agent.token },
    );
    expectProblem(tooMany, 400, 'invalid_request');
    expect(tooMany.body.errors.map((e: any) => e.field)).toContain('rule.count');
    // The same person named twice is one approver.
    const duplicates = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Twice', approvers: [memberRef(a), memberRef(a)], rule: { type: 'min', count: 2 } },
      { token: agent.token },
    );
    expectProblem(duplicates, 400, 'invalid_request');
    const exact = await requestApproval(api, agent, ticket.id, {
      title: 'Exactly two',
      approvers: [memberRef(a), memberRef(b), memberRef(a)],
      rule: { type: 'min', count: 2 },
    });
    expect(exact.steps[0].approvers).toHaveLength(2);

    expectProblem(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { approvers: [memberRef(a)] },
        { token: agent.token },
      ),
      400,
      'invalid_request',
    );
    expectProblem(
      await api.post(`/tickets/${ticket.id}/approvals`, { title: 'Nobody' }, { token: agent.token }),
      400,
      'invalid_request',
    );
    // A group that resolves to nobody gives a first step without approvers.
    const emptyGroup = await createGroup(api, ws.admin, { name: 'Empty' });
    const nobody = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Nobody', approvers: [groupRef(emptyGroup)] },
      { token: agent.token },
    );
    expectProblem(nobody, 400, 'invalid_request');
    expect(nobody.body.errors.map((e: any) => e.field)).toContain('approvers');
    // The requesting member may also be an approver.
    const self = await requestApproval(api, agent, ticket.id, {
      title: 'Mine',
      approvers: [memberRef(agent)],
    });
    expect((await decide(api, agent, self.id, 'approve')).status).toBe('approved');
    // Nobody is told of their own decision; the outcome still reaches the requester.
    expect(await outboxRows(db(), self.id, 'decision_recorded')).toHaveLength(0);
    expect(recipientsOf(await outboxRows(db(), self.id, 'approval_approved'))).toEqual([
      `member:${agent.id}`,
    ]);
  });

  it('§2 an approval keeps the steps it was requested with: a template changed or deleted later does not change it; deactivated group members are not asked', async () => {
    const [agent, first, second, replacement] = m as [Person, Person, Person, Person];
    const customer = k[0]!;
    // Deactivated below: not one of the shared people.
    const leaver = await ws.member();
    const group = await createGroup(api, ws.admin, {
      name: 'Second line',
      memberIds: [second!.id, leaver!.id],
    });
    const steps = [
      { name: 'First', approvers: [memberRef(first!)], rule: { type: 'any' } },
      { name: 'Second', approvers: [groupRef(group)], rule: { type: 'all' } },
    ];
    const template = await createTemplate(api, ws.admin, { name: 'Original', steps });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent!, ticket.id, { templateId: template.id });
    expectStatus(
      await api.put(
        `/approval-templates/${template.id}`,
        {
          name: 'Changed',
          steps: [{ name: 'Other', approvers: [memberRef(replacement!)], rule: { type: 'any' } }],
        },
        { token: ws.admin.token },
      ),
      200,
    );
    expect((await api.delete(`/approval-templates/${template.id}`, { token: ws.admin.token })).status).toBe(
      204,
    );
    expectStatus(
      await api.patch(`/members/${leaver!.id}`, { active: false }, { token: ws.admin.token }),
      200,
    );

    const shown = expectStatus(await api.get(`/approvals/${created.id}`, { token: agent!.token }), 200);
    expect(shown.title).toBe('Original');
    expect(shown.steps.map((s: any) => [s.name, s.rule])).toEqual([
      ['First', { type: 'any' }],
      ['Second', { type: 'all' }],
    ]);
    const moved = await decide(api, first!, created.id, 'approve');
    expect(moved.currentStepIndex).toBe(1);
    expect(moved.steps[1].name).toBe('Second');
    expect(moved.steps[1].approvers.map((a: any) => a.id)).toEqual([second!.id]);
    expect((await decide(api, second!, created.id, 'approve')).status).toBe('approved');
  });

  it('§5 an approval from a template takes the template name as title unless one is given', async () => {
    const [agent, approver] = m as [Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const template = await createTemplate(api, ws.admin, {
      name: 'Software licence',
      description: 'Any paid software',
      steps: [{ name: 'IT', approvers: [memberRef(approver)], rule: { type: 'any' } }],
    });
    const plain = await requestApproval(api, agent, ticket.id, { templateId: template.id });
    expect(plain).toMatchObject({
      title: 'Software licence',
      description: 'Any paid software',
      templateId: template.id,
    });
    expect(plain.steps.map((s: any) => s.name)).toEqual(['IT']);
    const titled = await requestApproval(api, agent, ticket.id, {
      templateId: template.id,
      title: 'Figma seats',
      description: 'Three seats',
    });
    expect(titled).toMatchObject({
      title: 'Figma seats',
      description: 'Three seats',
      templateId: template.id,
    });
    expect(titled.number).toBe(plain.number + 1);
    // A template request does not take approvers or a rule.
    expectProblem(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { templateId: template.id, approvers: [memberRef(agent)] },
        { token: agent.token },
      ),
      400,
      'invalid_request',
    );
  });

  it('§2 formData is kept and shown to members, never to contacts', async () => {
    const [agent, approver] = m as [Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const template = await createTemplate(api, ws.admin, {
      name: 'Access request',
      steps: [{ name: 'Owner', approvers: [memberRef(approver)], rule: { type: 'any' } }],
    });
    const formData = { system: 'Payroll', level: 'read', seats: 3, urgent: true, notes: { internal: 'x' } };
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id, formData });
    expect(created.formData).toEqual(formData);
    const asApprover = expectStatus(
      await api.get(`/approvals/${created.id}`, { token: approver.token }),
      200,
    );
    expect(asApprover.formData).toEqual(formData);
    const stored = await db()
      .selectFrom('approvals')
      .select('form_data')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(stored.form_data).toEqual(formData);

    const asContact = expectStatus(await api.get(`/approvals/${created.id}`, { token: customer.token }), 200);
    expect(asContact.title).toBe('Access request');
    expect(asContact).not.toHaveProperty('formData');
    const listed = expectStatus(
      await api.get(`/tickets/${ticket.id}/approvals`, { token: customer.token }),
      200,
    );
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty('formData');

    const adHoc = await requestApproval(api, agent, ticket.id, {
      title: 'No form',
      approvers: [memberRef(approver)],
    });
    expect(adHoc.formData).toBeNull();
  });

  it('§2 onBehalfOf: a member or a contact, shown by name; a member on whose behalf it was asked hears the outcome', async () => {
    const [agent, manager, approver] = m as [Person, Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);

    const forContact = await requestApproval(api, agent, ticket.id, {
      title: 'For the customer',
      approvers: [memberRef(approver)],
      onBehalfOf: contactRef(customer),
    });
    expect(forContact.onBehalfOf).toEqual({ type: 'contact', id: customer.id, name: customer.name });
    expect(forContact.requestedBy).toEqual({ type: 'member', id: agent.id, name: agent.name });

    const forMember = await requestApproval(api, agent, ticket.id, {
      title: 'For my manager',
      approvers: [memberRef(approver)],
      onBehalfOf: memberRef(manager),
    });
    expect(forMember.onBehalfOf).toEqual({ type: 'member', id: manager.id, name: manager.name });
    const shown = expectStatus(await api.get(`/approvals/${forMember.id}`, { token: approver.token }), 200);
    expect(shown.onBehalfOf).toEqual({ type: 'member', id: manager.id, name: manager.name });
    await decide(api, approver, forMember.id, 'approve');
    const outcome = await outboxRows(db(), forMember.id, 'approval_approved');
    expect(recipientsOf(outcome)).toEqual(keys([memberRef(agent), memberRef(manager)]));
    // One event: both rows share it.
    expect(new Set(outcome.map((r: any) => r.event_id)).size).toBe(1);

    expectProblem(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        {
          title: 'Ghost',
          approvers: [memberRef(approver)],
          onBehalfOf: { type: 'member', id: '00000000-0000-4000-8000-000000000000' },
        },
        { token: agent.token },
      ),
      404,
      'not_found',
    );
    expectProblem(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Group', approvers: [memberRef(approver)], onBehalfOf: { type: 'group', id: approver.id } },
        { token: agent.token },
      ),
      400,
      'invalid_request',
    );
  });
});
