import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  agents,
  contactRef,
  createTemplate,
  decide,
  expectProblem,
  expectStatus,
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

/** SPEC rules 5 (steps), 6 (comments), 10 (ticket status) and 11 (activity). */

let server: TestServer;
let api: Client;
/** One workspace for the whole file (signing people up is slow); each test works on its own ticket. */
let ws: Workspace;
let m: Person[];
let k: Person[];

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, {
    approvalsEnabled: true,
    contactsCanViewApprovals: true,
    appealsEnabled: true,
  });
  [m, k] = await Promise.all([agents(ws, 6), Promise.all([ws.contact(), ws.contact(), ws.contact()])]);
});
afterAll(() => server?.close());

const db = () => server.database.handle.db;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe(`rule 5: steps (${engine})`, () => {
  it('rule 5: each completed step starts the next (approvers resolved and emailed); the last one approves; currentStepIndex counts from 0', async () => {
    const [agent, a1, a2, b1, b2, c1] = m as [Person, Person, Person, Person, Person, Person];
    const customer = k[0]!;
    const template = await createTemplate(api, ws.admin, {
      name: 'Three steps',
      steps: [
        { name: 'Team lead', approvers: [memberRef(a1), memberRef(a2)], rule: { type: 'any' } },
        { name: 'Finance', approvers: [memberRef(b1), memberRef(b2)], rule: { type: 'all' } },
        {
          name: 'Director',
          approvers: [memberRef(c1), contactRef(customer)],
          rule: { type: 'min', count: 1 },
        },
      ],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id });
    expect(created.currentStepIndex).toBe(0);
    expect(created.steps.map((s: any) => s.status)).toEqual(['active', 'waiting', 'waiting']);
    expect(created.steps[0].startedAt).toMatch(ISO);
    expect(created.steps[1].startedAt).toBeNull();
    const firstEmails = await outboxRows(db(), created.id, 'approval_requested');
    expect(recipientsOf(firstEmails)).toEqual(keys([memberRef(a1), memberRef(a2)]));
    expect(firstEmails.every((r: any) => r.payload.stepIndex === 0)).toBe(true);

    // A person of a later step cannot answer yet.
    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: b1.token }),
      403,
      'not_an_approver',
    );

    const second = await decide(api, a2, created.id, 'approve');
    expect(second.status).toBe('pending');
    expect(second.currentStepIndex).toBe(1);
    expect(second.steps.map((s: any) => s.status)).toEqual(['approved', 'active', 'waiting']);
    expect(second.steps[0].completedAt).toMatch(ISO);
    expect(keys(second.steps[1].approvers)).toEqual(keys([memberRef(b1), memberRef(b2)]));
    const afterStepOne = await outboxRows(db(), created.id, 'approval_requested');
    const stepTwoEmails = afterStepOne.filter((r: any) => r.payload.stepIndex === 1);
    expect(recipientsOf(stepTwoEmails)).toEqual(keys([memberRef(b1), memberRef(b2)]));
    expect(afterStepOne).toHaveLength(4);
    // The other approver of the finished step can no longer answer.
    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: a1.token }),
      403,
      'not_an_approver',
    );

    const half = await decide(api, b1, created.id, 'approve');
    expect(half.currentStepIndex).toBe(1);
    expect(half.displayStatus).toBe('partially_approved');
    expect((await outboxRows(db(), created.id, 'approval_requested')).length).toBe(4);

    const third = await decide(api, b2, created.id, 'approve');
    expect(third.currentStepIndex).toBe(2);
    expect(third.displayStatus).toBe('pending');
    expect(third.steps.map((s: any) => s.status)).toEqual(['approved', 'approved', 'active']);
    // contactApprovalEmails is off: only the member of step 3 is emailed.
    const stepThreeEmails = (await outboxRows(db(), created.id, 'approval_requested')).filter(
      (r: any) => r.payload.stepIndex === 2,
    );
    expect(recipientsOf(stepThreeEmails)).toEqual([`member:${c1.id}`]);
    expect(await outboxRows(db(), created.id, 'approval_approved')).toHaveLength(0);

    const done = await decide(api, c1, created.id, 'approve');
    expect(done.status).toBe('approved');
    expect(done.displayStatus).toBe('approved');
    expect(done.currentStepIndex).toBe(2);
    expect(done.steps.map((s: any) => s.status)).toEqual(['approved', 'approved', 'approved']);
    expect(done.completedAt).toMatch(ISO);
    expect(done.canRespond).toBe(false);
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_approved'))).toEqual([
      `member:${agent.id}`,
    ]);
    // The requester heard of each of the 4 decisions: the last one in the approval_approved email
    // (SPEC §8.1, one email per recipient per event).
    expect(recipientsOf(await outboxRows(db(), created.id, 'decision_recorded'))).toEqual(
      Array(3).fill(`member:${agent.id}`),
    );
    const [approvedEmail] = await outboxRows(db(), created.id, 'approval_approved');
    expect(approvedEmail!.payload).toMatchObject({ by: memberRef(c1), decision: 'approve' });
    expectProblem(
      await api.post(
        `/approvals/${created.id}/decisions`,
        { decision: 'approve' },
        { token: customer.token },
      ),
      // The contact of step 3 never answered, and now cannot.
      409,
      'not_pending',
    );
    const ticketNow = expectStatus(await api.get(`/tickets/${ticket.id}`, { token: agent.token }), 200);
    expect(ticketNow.approvalStatus).toBe('approved');
  });

  it('rule 5: a denial on a step ends the approval; later steps never start', async () => {
    const [a, b] = m as [Person, Person];
    const customer = k[0]!;
    const template = await createTemplate(api, ws.admin, {
      name: 'Two steps',
      steps: [
        { name: 'One', approvers: [memberRef(a)], rule: { type: 'any' } },
        { name: 'Two', approvers: [memberRef(b)], rule: { type: 'any' } },
      ],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, ws.admin, ticket.id, { templateId: template.id });
    const denied = await decide(api, a, created.id, 'deny');
    expect(denied.status).toBe('denied');
    expect(denied.currentStepIndex).toBe(0);
    expect(denied.steps.map((s: any) => s.status)).toEqual(['denied', 'waiting']);
    expect(denied.steps[1].approvers).toEqual([]);
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_requested'))).toEqual([
      `member:${a.id}`,
    ]);
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_denied'))).toEqual([
      `member:${ws.admin.id}`,
    ]);
  });

  it('rule 5, §8.1 whenNobody "skip": a later step that resolves to nobody is skipped; the last one skipped approves (decisions.md)', async () => {
    const a = m[0]!;
    const customer = k[0]!;
    const template = await createTemplate(api, ws.admin, {
      name: 'Assignee last',
      steps: [
        { name: 'One', approvers: [memberRef(a)], rule: { type: 'any' } },
        {
          name: 'Assignee',
          approvers: [{ type: 'ticket_assignee' }],
          rule: { type: 'any' },
          whenNobody: 'skip',
        },
      ],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, ws.admin, ticket.id, { templateId: template.id });
    const done = await decide(api, a, created.id, 'approve');
    expect(done.status).toBe('approved');
    expect(done.currentStepIndex).toBe(1);
    expect(done.steps.map((s: any) => s.status)).toEqual(['approved', 'skipped']);
    const types = (await activityOf(api, ws.admin.token, ticket.id, created.id)).map((x) => x.type);
    expect(types).toEqual([
      'approval_requested',
      'step_started',
      'decision',
      'step_completed',
      'step_skipped',
      'completed',
    ]);
  });
});

describe(`rule 6: comments (${engine})`, () => {
  it('rule 6: the current approver, the requesting member and other agents comment without deciding; answers 201 with author and time', async () => {
    const [requester, approver, other] = m as [Person, Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, requester, ticket.id, {
      title: 'Need info',
      approvers: [memberRef(approver)],
    });

    const started = Date.now();
    const byApprover = await api.post(
      `/approvals/${created.id}/comments`,
      { body: 'Which model exactly?' },
      { token: approver.token },
    );
    expect(expectStatus(byApprover, 201)).toEqual({
      id: expect.any(String),
      author: { type: 'member', id: approver.id, name: approver.name },
      body: 'Which model exactly?',
      internal: false,
      createdAt: expect.stringMatching(ISO),
    });
    expect(Math.abs(Date.parse(byApprover.body.createdAt) - started)).toBeLessThan(60_000);
    const byRequester = await api.post(
      `/approvals/${created.id}/comments`,
      { body: '  The 14 inch one.  ' },
      { token: requester.token },
    );
    expect(expectStatus(byRequester, 201)).toMatchObject({
      author: { type: 'member', id: requester.id, name: requester.name },
      body: 'The 14 inch one.',
    });
    const byOther = await api.post(
      `/approvals/${created.id}/comments`,
      { body: 'FYI: on sale' },
      { token: other.token },
    );
    expect(expectStatus(byOther, 201).author).toEqual({ type: 'member', id: other.id, name: other.name });

    expectProblem(
      await api.post(`/approvals/${created.id}/comments`, { body: '   ' }, { token: approver.token }),
      400,
      'invalid_request',
    );

    const after = expectStatus(await api.get(`/approvals/${created.id}`, { token: requester.token }), 200);
    expect(after.status).toBe('pending');
    expect(after.steps[0].approvers[0].decision).toBeNull();
    expect(after.comments.map((c: any) => [c.author.id, c.body])).toEqual([
      [approver.id, 'Which model exactly?'],
      [requester.id, 'The 14 inch one.'],
      [other.id, 'FYI: on sale'],
    ]);
    expect(after.comments[0]).toEqual(byApprover.body);
    const commentActivity = (await activityOf(api, requester.token, ticket.id, created.id)).filter(
      (x) => x.type === 'comment',
    );
    expect(commentActivity.map((x) => [x.actor.id, x.channel, x.data.body])).toEqual([
      [approver.id, 'api', 'Which model exactly?'],
      [requester.id, 'api', 'The 14 inch one.'],
      [other.id, 'api', 'FYI: on sale'],
    ]);
    // Each comment is emailed to the others taking part, never to its author (SPEC §8.1, comment_added).
    const commentEmails = await outboxRows(db(), created.id, 'comment_added');
    expect(
      commentEmails.map((r: any) => [(r.payload as any).by.id, `${r.recipient_type}:${r.recipient_id}`]),
    ).toEqual([
      [approver.id, `member:${requester.id}`],
      [requester.id, `member:${approver.id}`],
      [other.id, `member:${requester.id}`],
      [other.id, `member:${approver.id}`],
    ]);
  });

  it('rule 6: a contact comments only while an approver of the current step; otherwise 403 not_an_approver', async () => {
    const [agent, boss] = m as [Person, Person];
    const [requester, cc] = k as [Person, Person];
    const template = await createTemplate(api, ws.admin, {
      name: 'Customer then boss',
      steps: [
        { name: 'Customer', approvers: [contactRef(cc)], rule: { type: 'any' } },
        { name: 'Boss', approvers: [memberRef(boss)], rule: { type: 'any' } },
      ],
    });
    const ticket = await ws.ticket(requester, { contactIds: [cc.id] });
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id });

    const ok = await api.post(
      `/approvals/${created.id}/comments`,
      { body: 'Is it urgent?' },
      { token: cc.token },
    );
    expect(expectStatus(ok, 201)).toMatchObject({
      author: { type: 'contact', id: cc.id, name: cc.name },
      body: 'Is it urgent?',
      internal: false,
    });
    // The ticket's requester sees the approval but is not an approver.
    expectProblem(
      await api.post(`/approvals/${created.id}/comments`, { body: 'Me too' }, { token: requester.token }),
      403,
      'not_an_approver',
    );
    // Contacts cannot write internal comments.
    expectProblem(
      await api.post(
        `/approvals/${created.id}/comments`,
        { body: 'secret', internal: true },
        { token: cc.token },
      ),
      400,
      'invalid_request',
    );

    await decide(api, cc, created.id, 'approve', 'Fine by me');
    // Step two is current: the contact is no longer a current approver.
    expectProblem(
      await api.post(`/approvals/${created.id}/comments`, { body: 'One more thing' }, { token: cc.token }),
      403,
      'not_an_approver',
    );
    const seen = expectStatus(await api.get(`/approvals/${created.id}`, { token: cc.token }), 200);
    expect(seen.comments.map((c: any) => c.body)).toEqual(['Is it urgent?']);
    expect(seen.canComment).toBe(false);
  });

  it('rule 6: a decision may carry a comment, kept with the answer; internal comments are hidden from contacts', async () => {
    const [agent, approver] = m as [Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Refund',
      approvers: [memberRef(approver), contactRef(customer)],
      rule: { type: 'all' },
    });

    const internal = await api.post(
      `/approvals/${created.id}/comments`,
      { body: 'Customer owes us money', internal: true },
      { token: agent.token },
    );
    expect(expectStatus(internal, 201).internal).toBe(true);
    expectStatus(
      await api.post(
        `/approvals/${created.id}/comments`,
        { body: 'Looking into it' },
        { token: agent.token },
      ),
      201,
    );

    const decided = await decide(api, approver, created.id, 'approve', '  Within policy  ');
    const mine = decided.steps[0].approvers.find((a: any) => a.id === approver.id);
    expect(mine).toMatchObject({ decision: 'approve', comment: 'Within policy', channel: 'api' });
    expect(mine.decidedAt).toMatch(ISO);
    const byCustomer = await decide(api, customer, created.id, 'approve', 'Thanks');
    expect(byCustomer.status).toBe('approved');
    expect(byCustomer.steps[0].approvers.find((a: any) => a.id === customer.id)).toMatchObject({
      decision: 'approve',
      comment: 'Thanks',
    });
    expect(byCustomer.comments.map((c: any) => c.body)).toEqual(['Looking into it']);

    const asMember = expectStatus(await api.get(`/approvals/${created.id}`, { token: agent.token }), 200);
    expect(asMember.comments.map((c: any) => [c.body, c.internal])).toEqual([
      ['Customer owes us money', true],
      ['Looking into it', false],
    ]);
    expect(asMember.steps[0].approvers.map((a: any) => a.comment)).toEqual(['Within policy', 'Thanks']);

    const asContact = expectStatus(await api.get(`/approvals/${created.id}`, { token: customer.token }), 200);
    expect(asContact.comments.map((c: any) => c.body)).toEqual(['Looking into it']);
    expect(asContact.steps[0].approvers.map((a: any) => a.comment)).toEqual(['Within policy', 'Thanks']);
    expect(JSON.stringify(asContact)).not.toContain('owes us money');
    const listed = expectStatus(
      await api.get(`/tickets/${ticket.id}/approvals`, { token: customer.token }),
      200,
    );
    expect(JSON.stringify(listed)).not.toContain('owes us money');
    const contactActivity = await activityOf(api, customer.token, ticket.id, created.id);
    expect(contactActivity.filter((x) => x.type === 'comment').map((x) => x.data.body)).toEqual([
      'Looking into it',
    ]);
    const memberActivity = await activityOf(api, agent.token, ticket.id, created.id);
    expect(memberActivity.filter((x) => x.type === 'comment')).toHaveLength(2);
    const decisions = memberActivity.filter((x) => x.type === 'decision');
    expect(decisions.map((x) => x.data.comment)).toEqual(['Within policy', 'Thanks']);
  });
});

describe(`rule 10: ticket status (${engine})`, () => {
  it('rule 10: a ticket with a pending approval cannot be solved or closed (409 approval_pending); it can once the approval finishes', async () => {
    const [agent, approver] = m as [Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Hold on',
      approvers: [memberRef(approver)],
    });

    for (const status of ['solved', 'closed']) {
      expectProblem(
        await api.patch(`/tickets/${ticket.id}`, { status }, { token: agent.token }),
        409,
        'approval_pending',
      );
    }
    expect(expectStatus(await api.get(`/tickets/${ticket.id}`, { token: agent.token }), 200).status).toBe(
      'open',
    );
    // Other statuses are fine.
    expect(
      expectStatus(
        await api.patch(`/tickets/${ticket.id}`, { status: 'on_hold' }, { token: agent.token }),
        200,
      ).status,
    ).toBe('on_hold');
    // A partially approved request is still pending.
    const second = await requestApproval(api, agent, ticket.id, {
      title: 'Two of them',
      approvers: [memberRef(approver), memberRef(agent)],
      rule: { type: 'all' },
    });
    await decide(api, approver, created.id, 'approve');
    await decide(api, approver, second.id, 'approve');
    expectProblem(
      await api.patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: agent.token }),
      409,
      'approval_pending',
    );
    await decide(api, agent, second.id, 'deny');
    const solved = expectStatus(
      await api.patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: agent.token }),
      200,
    );
    expect(solved.status).toBe('solved');
    // No new approval on a solved ticket (decisions.md).
    expectProblem(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Late', approvers: [memberRef(approver)] },
        { token: agent.token },
      ),
      409,
      'ticket_closed',
    );
    expect(
      expectStatus(
        await api.patch(`/tickets/${ticket.id}`, { status: 'closed' }, { token: agent.token }),
        200,
      ).status,
    ).toBe('closed');
  });

  it('rule 10: a canceled approval no longer holds the ticket open', async () => {
    const [agent, approver] = m as [Person, Person];
    const customer = k[0]!;
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Hold on',
      approvers: [memberRef(approver)],
    });
    expectProblem(
      await api.patch(`/tickets/${ticket.id}`, { status: 'closed' }, { token: agent.token }),
      409,
      'approval_pending',
    );
    expectStatus(await api.post(`/approvals/${created.id}/cancel`, undefined, { token: agent.token }), 200);
    expect(
      expectStatus(
        await api.patch(`/tickets/${ticket.id}`, { status: 'closed' }, { token: agent.token }),
        200,
      ).status,
    ).toBe('closed');
  });
});

describe(`rule 11: activity (${engine})`, () => {
  it('rule 11: every event is written to the ticket activity with who and through which channel (api for bearer tokens)', async () => {
    const [agent, a, b, c, d] = m as [Person, Person, Person, Person, Person];
    const customer = k[0]!;
    const template = await createTemplate(api, ws.admin, {
      name: 'Audited',
      allowAppeals: true,
      appealReviewers: [memberRef(ws.admin)],
      steps: [
        { name: 'First', approvers: [memberRef(a), memberRef(b)], rule: { type: 'any' } },
        { name: 'Second', approvers: [memberRef(c)], rule: { type: 'any' } },
      ],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id });
    const id = created.id;
    expectStatus(
      await api.post(`/approvals/${id}/comments`, { body: 'Any quote?' }, { token: a.token }),
      201,
    );
    expectStatus(
      await api.patch(
        `/approvals/${id}/recipients`,
        { add: [memberRef(d)], remove: [memberRef(b)] },
        { token: agent.token },
      ),
      200,
    );
    expectStatus(await api.post(`/approvals/${id}/reminders`, {}, { token: agent.token }), 200);
    await decide(api, a, id, 'approve', 'OK');
    await decide(api, c, id, 'deny', 'Too expensive');
    expectStatus(
      await api.post(`/approvals/${id}/appeal`, { reason: 'Price dropped' }, { token: customer.token }),
      200,
    );
    expectStatus(
      await api.post(
        `/approvals/${id}/appeal/decisions`,
        { decision: 'approve', comment: 'Fair' },
        { token: ws.admin.token },
      ),
      200,
    );

    const items = await activityOf(api, agent.token, ticket.id, id);
    const summary = items.map((x) => [x.type, x.actor?.id ?? null, x.channel]);
    expect(summary).toEqual([
      ['approval_requested', agent.id, 'api'],
      ['step_started', null, null],
      ['comment', a.id, 'api'],
      ['recipients_edited', agent.id, 'api'],
      ['reminder_sent', agent.id, 'api'],
      ['decision', a.id, 'api'],
      ['step_completed', null, null],
      ['step_started', null, null],
      ['decision', c.id, 'api'],
      ['step_completed', null, null],
      ['completed', null, null],
      ['appeal_requested', customer.id, 'api'],
      ['appeal_decided', ws.admin.id, 'api'],
      ['completed', null, null],
    ]);
    const byType = (type: string) => items.filter((x) => x.type === type);
    expect(byType('approval_requested')[0].actor).toEqual({ type: 'member', id: agent.id, name: agent.name });
    expect(byType('step_started').map((x) => x.data)).toEqual([
      { stepIndex: 0, stepName: 'First', approvers: [memberRef(a), memberRef(b)] },
      { stepIndex: 1, stepName: 'Second', approvers: [memberRef(c)] },
    ]);
    expect(byType('comment')[0].data.body).toBe('Any quote?');
    expect(byType('recipients_edited')[0].data).toEqual({
      stepIndex: 0,
      added: [memberRef(d)],
      removed: [memberRef(b)],
    });
    expect(keys(byType('reminder_sent')[0].data.to)).toEqual(keys([memberRef(a), memberRef(d)]));
    expect(byType('decision').map((x) => x.data)).toEqual([
      { stepIndex: 0, decision: 'approve', comment: 'OK' },
      { stepIndex: 1, decision: 'deny', comment: 'Too expensive' },
    ]);
    expect(byType('decision')[1].actor).toEqual({ type: 'member', id: c.id, name: c.name });
    expect(byType('step_completed').map((x) => x.data.outcome)).toEqual(['approved', 'denied']);
    expect(byType('completed').map((x) => x.data.status)).toEqual(['denied', 'approved']);
    expect(byType('appeal_requested')[0].actor).toEqual({
      type: 'contact',
      id: customer.id,
      name: customer.name,
    });
    expect(byType('appeal_requested')[0].data).toMatchObject({
      reason: 'Price dropped',
      reviewers: [memberRef(ws.admin)],
    });
    expect(byType('appeal_decided')[0].data).toEqual({ decision: 'approve', comment: 'Fair' });
    for (const x of items) expect(x.createdAt).toMatch(ISO);

    // A canceled request on the same ticket.
    const other = await requestApproval(api, agent, ticket.id, {
      title: 'Dropped',
      approvers: [memberRef(a)],
    });
    expectStatus(await api.post(`/approvals/${other.id}/cancel`, undefined, { token: agent.token }), 200);
    const canceled = await activityOf(api, agent.token, ticket.id, other.id);
    expect(canceled.map((x) => [x.type, x.actor?.id ?? null, x.channel])).toEqual([
      ['approval_requested', agent.id, 'api'],
      ['step_started', null, null],
      ['canceled', agent.id, 'api'],
    ]);
    expect(canceled[2].data).toEqual({ reason: 'requested' });

    // The whole ticket's activity is in order and includes the ticket's own events.
    const all = await activityOf(api, agent.token, ticket.id);
    expect(all[0].type).toBe('ticket_created');
    expect(all).toHaveLength(1 + items.length + canceled.length);
  });
});
