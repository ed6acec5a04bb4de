import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLink } from '../../src/approvals/links/repo.js';
import { expireDue, remindDue } from '../../src/approvals/scheduler.js';
import { auditDatabase } from '../reliability/support/audit.js';
import {
  activityOf,
  agents,
  contactRef,
  createTemplate,
  decide,
  expectProblem,
  expectStatus,
  memberRef,
  outboxRows,
  recipientsOf,
  requestApproval,
} from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/** SPEC §8.1 "Needs information" and §8.6: the `needs_info` status, its question and its answer. */

let server: TestServer;
let api: Client;
let ws: Workspace;
let requester: Person;
let approver: Person;
let secondApprover: Person;
let otherAgent: Person;
/** The ticket's requester, on whose behalf the approvals are made. */
let customer: Person;
/** A contact on the ticket (access) who is neither approver nor on-behalf-of. */
let ccContact: Person;
/** A contact approver. */
let contactApprover: Person;

const db = () => server.database.handle.db;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, {
    approvalsEnabled: true,
    contactsCanViewApprovals: true,
    contactApprovalEmails: true,
    requireSignInForEmailResponses: true,
  });
  [requester, approver, secondApprover, otherAgent] = await agents(ws, 4);
  [customer, ccContact, contactApprover] = await Promise.all([ws.contact(), ws.contact(), ws.contact()]);
});
afterAll(() => server?.close());

/** An ad hoc approval on a new ticket of `customer`, on their behalf, asked of `approvers` with `rule`. */
async function pending(approvers: Person[] = [approver], rule: Record<string, unknown> = { type: 'any' }) {
  const ticket = await ws.ticket(customer, { contactIds: [ccContact.id] });
  const refs = approvers.map((p) => (p === contactApprover ? contactRef(p) : memberRef(p)));
  const created = await requestApproval(api, requester, ticket.id, {
    title: 'New laptop',
    approvers: refs,
    rule,
    onBehalfOf: contactRef(customer),
  });
  return { ticket, id: created.id as string };
}

const ask = (id: string, by: Person, question: unknown) =>
  api.post(`/approvals/${id}/needs-info`, { question }, { token: by.token });
const answer = (id: string, by: Person, text: unknown) =>
  api.post(`/approvals/${id}/info`, { answer: text }, { token: by.token });
const show = async (id: string, by: Person = ws.admin) =>
  expectStatus(await api.get(`/approvals/${id}`, { token: by.token }), 200);

describe(`needs information (${engine})`, () => {
  it('§8.1 a current approver asks: status needs_info, the question is a comment, activity and emails to the requester side', async () => {
    const { ticket, id } = await pending();
    const asked = expectStatus(await ask(id, approver, '  Which model exactly?  '), 200);
    expect(asked.status).toBe('needs_info');
    expect(asked.displayStatus).toBe('needs_info');
    expect(asked.needsInfo).toMatchObject({ askedBy: { type: 'member', id: approver.id } });
    expect(asked.comments.map((c: any) => [c.author.id, c.body])).toEqual([
      [approver.id, 'Which model exactly?'],
    ]);
    // The approver may still decide; the requester side may answer.
    expect(asked.canRespond).toBe(true);
    expect((await show(id, requester)).canProvideInfo).toBe(true);

    const activity = await activityOf(api, ws.admin.token, ticket.id, id);
    expect(activity.find((a) => a.type === 'needs_info_requested')).toMatchObject({
      actor: { type: 'member', id: approver.id },
      data: { question: 'Which model exactly?' },
    });
    // The requesting member and the on-behalf-of person, one email each (§8.6).
    expect(recipientsOf(await outboxRows(db(), id, 'needs_info'))).toEqual(
      [`contact:${customer.id}`, `member:${requester.id}`].sort(),
    );
    // The contact sees the question too (it is not internal).
    expect((await show(id, customer)).comments.map((c: any) => c.body)).toEqual(['Which model exactly?']);
  });

  it('§8.1 an agent who is not an approver may ask; so may a contact approver who has not answered', async () => {
    const first = await pending();
    expect(expectStatus(await ask(first.id, otherAgent, 'Budget code?'), 200).status).toBe('needs_info');
    const second = await pending([contactApprover]);
    expect(expectStatus(await ask(second.id, contactApprover, 'Budget code?'), 200).status).toBe(
      'needs_info',
    );
  });

  it('§8.1 a contact who is not an approver, or a contact approver who already answered, may not ask (403); nothing changes', async () => {
    const { id } = await pending([approver, contactApprover], { type: 'all' });
    expectProblem(await ask(id, ccContact, 'Why?'), 403, 'not_an_approver');
    expectProblem(await ask(id, customer, 'Why?'), 403, 'not_an_approver');
    await decide(api, contactApprover, id, 'approve');
    expectProblem(await ask(id, contactApprover, 'Why?'), 403, 'not_an_approver');
    const after = await show(id);
    expect(after.status).toBe('pending');
    expect(after.comments).toEqual([]);
  });

  it('§8.1 an empty or whitespace question is 400 and writes nothing', async () => {
    const { id } = await pending();
    for (const question of ['', '   \n\t ', undefined, 42]) {
      expectProblem(await ask(id, approver, question), 400, 'invalid_request');
    }
    const after = await show(id);
    expect(after.status).toBe('pending');
    expect(after.comments).toEqual([]);
    expect(await outboxRows(db(), id, 'needs_info')).toEqual([]);
  });

  it('§8.6 needs-info only while pending: 409 not_pending on a finished approval and while already waiting', async () => {
    const { id } = await pending();
    await decide(api, approver, id, 'approve');
    expectProblem(await ask(id, approver, 'Too late?'), 409, 'not_pending');
    expectProblem(await ask(id, ws.admin, 'Too late?'), 409, 'not_pending');
    const waiting = await pending();
    expectStatus(await ask(waiting.id, approver, 'Which model?'), 200);
    expectProblem(await ask(waiting.id, otherAgent, 'And the colour?'), 409, 'not_pending');
  });

  it('§8.1 the requesting member answers: back to pending, the answer is a comment, whoever asked is emailed', async () => {
    const { ticket, id } = await pending();
    expectStatus(await ask(id, approver, 'Which model?'), 200);
    const answered = expectStatus(await answer(id, requester, 'The 14-inch one.'), 200);
    expect(answered.status).toBe('pending');
    expect(answered.needsInfo).toBeNull();
    expect(answered.comments.map((c: any) => c.body)).toEqual(['Which model?', 'The 14-inch one.']);
    const activity = await activityOf(api, ws.admin.token, ticket.id, id);
    expect(activity.find((a) => a.type === 'info_provided')).toMatchObject({
      actor: { type: 'member', id: requester.id },
      data: { answer: 'The 14-inch one.' },
    });
    expect(recipientsOf(await outboxRows(db(), id, 'info_provided'))).toEqual([`member:${approver.id}`]);
  });

  it('§8.1 the on-behalf-of contact and any agent may answer; another contact with access is 403', async () => {
    const first = await pending();
    expectStatus(await ask(first.id, approver, 'Which model?'), 200);
    expectProblem(await answer(first.id, ccContact, 'Not mine to say'), 403, 'not_allowed');
    expect((await show(first.id, ccContact)).canProvideInfo).toBe(false);
    expect(expectStatus(await answer(first.id, customer, 'The small one'), 200).status).toBe('pending');
    const second = await pending();
    expectStatus(await ask(second.id, approver, 'Which model?'), 200);
    expect(expectStatus(await answer(second.id, otherAgent, 'The big one'), 200).status).toBe('pending');
  });

  it('§8.6 info only while needs_info (409 not_needs_info); an empty answer is 400', async () => {
    const { id } = await pending();
    expectProblem(await answer(id, requester, 'Nobody asked'), 409, 'not_needs_info');
    expectStatus(await ask(id, approver, 'Which model?'), 200);
    expectProblem(await answer(id, requester, '   '), 400, 'invalid_request');
    expect((await show(id)).status).toBe('needs_info');
  });

  it('§8.1 a decision during needs_info ends it: back to pending when the approval goes on, finished otherwise', async () => {
    const open = await pending([approver, secondApprover], { type: 'all' });
    expectStatus(await ask(open.id, approver, 'Which model?'), 200);
    const partly = await decide(api, secondApprover, open.id, 'approve');
    expect(partly.status).toBe('pending');
    expect(partly.displayStatus).toBe('partially_approved');
    const done = await pending();
    expectStatus(await ask(done.id, otherAgent, 'Which model?'), 200);
    expect((await decide(api, approver, done.id, 'deny', 'Not now')).status).toBe('denied');
  });

  it('§8.1 needs_info is unfinished: rule 10 blocks solving the ticket, the approver keeps the task, cancel works', async () => {
    const { ticket, id } = await pending();
    expectStatus(await ask(id, approver, 'Which model?'), 200);
    expectProblem(
      await api.patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: ws.admin.token }),
      409,
      'approval_pending',
    );
    const tasks = expectStatus(await api.get('/me/approval-tasks', { token: approver.token }), 200);
    expect(tasks.awaitingMe.find((t: any) => t.id === id)).toMatchObject({ status: 'needs_info' });
    // Resending waits too: nobody is asked to decide on a request that waits for its requester.
    expectProblem(
      await api.post(`/approvals/${id}/reminders`, {}, { token: requester.token }),
      409,
      'not_pending',
    );
    const canceled = expectStatus(
      await api.post(`/approvals/${id}/cancel`, {}, { token: requester.token }),
      200,
    );
    expect(canceled.status).toBe('canceled');
    expectProblem(await answer(id, requester, 'Too late'), 409, 'not_needs_info');
  });

  it('§8.1 from an email link: asks without using up the link; sign-in and the link owner rules apply', async () => {
    const { id } = await pending();
    const { token } = await mintLink(db(), {
      workspaceId: ws.id,
      approvalId: id,
      stepIndex: 0,
      person: memberRef(approver),
      outboxId: null,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const link = `/approval-links/${token}`;
    expectProblem(
      await api.post(`${link}/needs-info`, { question: 'Which model?' }),
      401,
      'sign_in_required',
    );
    expectProblem(
      await api.post(`${link}/needs-info`, { question: 'Which model?' }, { token: otherAgent.token }),
      403,
      'not_an_approver',
    );
    expectProblem(
      await api.post(`${link}/needs-info`, { question: ' ' }, { token: approver.token }),
      400,
      'invalid_request',
    );
    const page = expectStatus(
      await api.post(`${link}/needs-info`, { question: 'Which model?' }, { token: approver.token }),
      200,
    );
    expect(page.approval.status).toBe('needs_info');
    const after = await show(id);
    expect(after.comments.map((c: any) => [c.author.id, c.body])).toEqual([[approver.id, 'Which model?']]);
    const activity = await activityOf(api, ws.admin.token, after.ticketId, id);
    expect(activity.find((a) => a.type === 'needs_info_requested')?.channel).toBe('email_link');
    // The link stays alive while the approval waits, and still decides.
    expect(expectStatus(await api.get(link, { token: approver.token }), 200).approval.status).toBe(
      'needs_info',
    );
    const decided = expectStatus(
      await api.post(`${link}/decisions`, { decision: 'approve' }, { token: approver.token }),
      200,
    );
    expect(decided.approval.status).toBe('approved');
  });

  it('§8.1 automatic reminders pause during needs_info and count again from the answer', async () => {
    await ws.settings({ autoRemindAfterHours: 1 });
    try {
      const { id } = await pending();
      // The approver was asked two hours ago: a reminder is due.
      await db()
        .updateTable('approval_assignments')
        .set({ added_at: new Date(Date.now() - 2 * 3600_000) })
        .where('approval_id', '=', id)
        .execute();
      expectStatus(await ask(id, otherAgent, 'Which model?'), 200);
      await remindDue(db(), new Date());
      expect(await outboxRows(db(), id, 'approval_reminder')).toEqual([]);
      expectStatus(await answer(id, requester, 'The small one'), 200);
      await remindDue(db(), new Date());
      expect(await outboxRows(db(), id, 'approval_reminder')).toEqual([]);
      await remindDue(db(), new Date(Date.now() + 61 * 60_000));
      expect(recipientsOf(await outboxRows(db(), id, 'approval_reminder'))).toEqual([
        `member:${approver.id}`,
      ]);
    } finally {
      await ws.settings({ autoRemindAfterHours: null });
    }
  });

  it('§8.1 expiry: no expiry during needs_info, and the deadline moves by the time spent in it', async () => {
    const template = await createTemplate(api, ws.admin, {
      name: 'Expiring',
      expireAfterHours: 1,
      steps: [{ name: 'Decide', approvers: [memberRef(approver)], rule: { type: 'any' } }],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api, requester, ticket.id, { templateId: template.id });
    const deadline = new Date(created.expiresAt).getTime();
    expectStatus(await ask(created.id, approver, 'Which model?'), 200);
    // Past the original deadline, an approval that waits for information does not expire.
    await expireDue(db(), new Date(deadline + 60_000));
    expect((await show(created.id)).status).toBe('needs_info');
    await new Promise((r) => setTimeout(r, 300));
    const answered = expectStatus(await answer(created.id, requester, 'The small one'), 200);
    const row = await db()
      .selectFrom('approvals')
      .select('info_request')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    const request = row.info_request as { askedAt: string; endedAt: string };
    const paused = new Date(request.endedAt).getTime() - new Date(request.askedAt).getTime();
    expect(paused).toBeGreaterThanOrEqual(300);
    expect(new Date(answered.expiresAt).getTime()).toBe(deadline + paused);
    await expireDue(db(), new Date(deadline + paused + 1));
    expect((await show(created.id)).status).toBe('expired');
  });

  it('rule 1: with approvals off, needs-info and info answer 409 approvals_disabled and change nothing', async () => {
    const { id } = await pending();
    expectStatus(await ask(id, approver, 'Which model?'), 200);
    await ws.settings({ approvalsEnabled: false });
    try {
      expectProblem(await answer(id, requester, 'The small one'), 409, 'approvals_disabled');
      expectProblem(await ask(id, otherAgent, 'And the colour?'), 409, 'approvals_disabled');
    } finally {
      await ws.settings({ approvalsEnabled: true });
    }
    expect((await show(id)).status).toBe('needs_info');
  });

  it("§2 state machine: the reliability suite's SQL audit finds every approval above consistent", async () => {
    // Emails are not delivered here (no worker), so the outbox checks do not apply.
    const { violations } = await auditDatabase(db());
    expect(violations.filter((v) => !/outbox|email/i.test(v.check))).toEqual([]);
  });
});
