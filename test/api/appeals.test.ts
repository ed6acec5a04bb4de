import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
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

/** SPEC §2 appeals (and rule 10 while an appeal is pending). */

let server: TestServer;
let api: Client;
/** Appeals on, contacts see approvals; most tests work on their own ticket here. */
let ws: Workspace;
let agent: Person;
let approver: Person;
let reviewer: Person;
let groupReviewer: Person;
let stranger: Person;
let customer: Person;
let outsider: Person;
/** allowAppeals, reviewed by `reviewer` and the group of `groupReviewer`. */
let appealable: { id: string };
let notAppealable: { id: string };

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, {
    approvalsEnabled: true,
    appealsEnabled: true,
    contactsCanViewApprovals: true,
  });
  const [people, contacts] = await Promise.all([agents(ws, 5), Promise.all([ws.contact(), ws.contact()])]);
  [agent, approver, reviewer, groupReviewer, stranger] = people as [Person, Person, Person, Person, Person];
  [customer, outsider] = contacts as [Person, Person];
  const group = await createGroup(api, ws.admin, {
    name: 'Appeal board',
    memberIds: [groupReviewer.id, reviewer.id],
  });
  appealable = await createTemplate(api, ws.admin, {
    name: 'Appealable',
    allowAppeals: true,
    appealReviewers: [memberRef(reviewer), groupRef(group)],
    steps: [
      { name: 'Decide', approvers: [memberRef(approver), contactRef(outsider)], rule: { type: 'any' } },
    ],
  });
  notAppealable = await createTemplate(api, ws.admin, {
    name: 'Final',
    allowAppeals: false,
    appealReviewers: [memberRef(reviewer)],
    steps: [{ name: 'Decide', approvers: [memberRef(approver)], rule: { type: 'any' } }],
  });
});
afterAll(() => server?.close());

const db = () => server.database.handle.db;

/** A new ticket of `customer` with an approval from `templateId`, denied by `approver`. */
async function denied(templateId = appealable.id) {
  const ticket = await ws.ticket(customer);
  const created = await requestApproval(api, agent, ticket.id, { templateId });
  const result = await decide(api, approver, created.id, 'deny', 'No budget');
  expect(result.status).toBe('denied');
  return { ticket, id: created.id as string };
}

const appeal = (id: string, by: Person, reason: unknown) =>
  api.post(`/approvals/${id}/appeal`, { reason }, { token: by.token });
const decideAppeal = (id: string, by: Person, decision: string, comment?: string) =>
  api.post(`/approvals/${id}/appeal/decisions`, comment ? { decision, comment } : { decision }, {
    token: by.token,
  });

describe(`appeals (${engine})`, () => {
  it('§2 appeal: a contact with access to the ticket appeals a denial; a reviewer approves it → approved', async () => {
    const { ticket, id } = await denied();
    const before = expectStatus(await api.get(`/approvals/${id}`, { token: customer.token }), 200);
    expect(before.canAppeal).toBe(true);
    expect(before.appeal).toBeNull();

    const appealed = expectStatus(await appeal(id, customer, '  We found a cheaper supplier.  '), 200);
    expect(appealed.status).toBe('appeal_pending');
    expect(appealed.displayStatus).toBe('appeal_pending');
    expect(appealed.canAppeal).toBe(false);
    expect(appealed.appeal).toMatchObject({
      reason: 'We found a cheaper supplier.',
      status: 'pending',
      requestedBy: { type: 'contact', id: customer.id, name: customer.name },
      decision: null,
    });
    // Reviewers named directly and through a group, each once.
    expect(keys(appealed.appeal.reviewers)).toEqual(keys([memberRef(reviewer), memberRef(groupReviewer)]));
    expect(appealed.appeal.reviewers.find((r: any) => r.id === reviewer.id).name).toBe(reviewer.name);
    expect(recipientsOf(await outboxRows(db(), id, 'appeal_requested'))).toEqual(
      keys([memberRef(reviewer), memberRef(groupReviewer)]),
    );
    const asReviewer = expectStatus(await api.get(`/approvals/${id}`, { token: groupReviewer.token }), 200);
    expect(asReviewer.canRespond).toBe(true);
    const tasks = expectStatus(await api.get('/me/approval-tasks', { token: groupReviewer.token }), 200);
    expect(tasks.awaitingMe.map((t: any) => t.id)).toContain(id);

    const decided = expectStatus(await decideAppeal(id, groupReviewer, 'approve', 'Fair enough'), 200);
    expect(decided.status).toBe('approved');
    expect(decided.displayStatus).toBe('approved');
    expect(decided.appeal).toMatchObject({
      status: 'approved',
      decision: {
        value: 'approve',
        comment: 'Fair enough',
        by: { type: 'member', id: groupReviewer.id, name: groupReviewer.name },
      },
    });
    expect(decided.canRespond).toBe(false);
    // The requesting member and the appellant hear the outcome; the appellant is a contact and
    // contactApprovalEmails is off, so only the requester gets a row.
    expect(recipientsOf(await outboxRows(db(), id, 'appeal_decided'))).toEqual([`member:${agent.id}`]);
    const seen = expectStatus(await api.get(`/approvals/${id}`, { token: customer.token }), 200);
    expect(seen.status).toBe('approved');
    expect(seen.appeal.reason).toBe('We found a cheaper supplier.');
    expectProblem(await decideAppeal(id, reviewer, 'deny'), 409, 'not_pending');
    expectProblem(await appeal(id, customer, 'Again'), 409, 'appeal_exists');

    const types = (await activityOf(api, agent.token, ticket.id, id)).map((x) => [
      x.type,
      x.actor?.id ?? null,
      x.channel,
    ]);
    expect(types.slice(-3)).toEqual([
      ['appeal_requested', customer.id, 'api'],
      ['appeal_decided', groupReviewer.id, 'api'],
      ['completed', null, null],
    ]);
  });

  it('§2 appeal: a member may appeal; a reviewer who denies it makes the denial final', async () => {
    const { id } = await denied();
    const appealed = expectStatus(await appeal(id, stranger, 'Please look again'), 200);
    expect(appealed.appeal.requestedBy).toEqual({ type: 'member', id: stranger.id, name: stranger.name });
    const final = expectStatus(await decideAppeal(id, reviewer, 'deny', 'Still no'), 200);
    expect(final.status).toBe('denied');
    expect(final.appeal).toMatchObject({
      status: 'denied',
      decision: { value: 'deny', comment: 'Still no' },
    });
    expect(final.canAppeal).toBe(false);
    expect(recipientsOf(await outboxRows(db(), id, 'appeal_decided'))).toEqual(
      keys([memberRef(agent), memberRef(stranger)]),
    );
    // Final: no second appeal, no more decisions.
    expectProblem(await appeal(id, customer, 'One more time'), 409, 'appeal_exists');
    expectProblem(await appeal(id, stranger, 'One more time'), 409, 'appeal_exists');
    expectProblem(await decideAppeal(id, groupReviewer, 'approve'), 409, 'not_pending');
    expectProblem(
      await api.post(`/approvals/${id}/decisions`, { decision: 'approve' }, { token: reviewer.token }),
      409,
      'not_pending',
    );
    expect(expectStatus(await api.get(`/approvals/${id}`, { token: agent.token }), 200).status).toBe(
      'denied',
    );
  });

  it('§2 appeal: only the appeal reviewers decide (403 not_an_approver); one appeal per approval (409 appeal_exists)', async () => {
    const { id } = await denied();
    expectStatus(await appeal(id, customer, 'Reason'), 200);
    expectProblem(await appeal(id, stranger, 'Me too'), 409, 'appeal_exists');
    for (const who of [approver, stranger, agent, ws.admin]) {
      expectProblem(await decideAppeal(id, who, 'approve'), 403, 'not_an_approver');
      expectProblem(
        await api.post(`/approvals/${id}/decisions`, { decision: 'approve' }, { token: who.token }),
        403,
        'not_an_approver',
      );
    }
    expectProblem(await decideAppeal(id, customer, 'approve'), 403, 'not_an_approver');
    expectProblem(await decideAppeal(id, reviewer, 'maybe'), 400, 'invalid_request');
    expect(expectStatus(await api.get(`/approvals/${id}`, { token: agent.token }), 200).status).toBe(
      'appeal_pending',
    );
    // A reviewer answering on /decisions decides the appeal (decisions.md).
    const viaDecisions = await decide(api, reviewer, id, 'approve');
    expect(viaDecisions.status).toBe('approved');
    expect(viaDecisions.appeal.decision.by.id).toBe(reviewer.id);
  });

  it('§2 appeal: a non-empty reason of at most 2,000 characters is required', async () => {
    const { id } = await denied();
    for (const reason of ['', '   ', ' \t\n ', 'x'.repeat(2001)]) {
      const res = await appeal(id, customer, reason);
      expectProblem(res, 400, 'invalid_request');
    }
    expectProblem(
      await api.post(`/approvals/${id}/appeal`, {}, { token: customer.token }),
      400,
      'invalid_request',
    );
    expectProblem(await appeal(id, customer, 42), 400, 'invalid_request');
    expect(expectStatus(await api.get(`/approvals/${id}`, { token: agent.token }), 200)).toMatchObject({
      status: 'denied',
      appeal: null,
    });
    expect(await outboxRows(db(), id, 'appeal_requested')).toHaveLength(0);
    const longest = expectStatus(await appeal(id, customer, 'y'.repeat(2000)), 200);
    expect(longest.appeal.reason).toHaveLength(2000);
  });

  it('§2 appeal: needs the template to allow it (409 appeals_not_allowed); ad hoc approvals cannot be appealed; only a denial is appealed', async () => {
    const { id } = await denied(notAppealable.id);
    const view = expectStatus(await api.get(`/approvals/${id}`, { token: agent.token }), 200);
    expect(view.canAppeal).toBe(false);
    expectProblem(await appeal(id, agent, 'Please'), 409, 'appeals_not_allowed');
    expectProblem(await appeal(id, customer, 'Please'), 409, 'appeals_not_allowed');

    const ticket = await ws.ticket(customer);
    const adHoc = await requestApproval(api, agent, ticket.id, {
      title: 'Ad hoc',
      approvers: [memberRef(approver)],
    });
    await decide(api, approver, adHoc.id, 'deny');
    expectProblem(await appeal(adHoc.id, agent, 'Please'), 409, 'appeals_not_allowed');

    const pending = await requestApproval(api, agent, ticket.id, { templateId: appealable.id });
    expectProblem(await appeal(pending.id, agent, 'Too early'), 409, 'not_denied');
    await decide(api, approver, pending.id, 'approve');
    expectProblem(await appeal(pending.id, agent, 'Why?'), 409, 'not_denied');
  });

  it('§2 appeal: a contact without access to the ticket may not appeal (403 not_allowed); without visibility it does not exist (404)', async () => {
    const { id } = await denied();
    // `outsider` was an approver on the step, so they see it but have no access to the ticket.
    const seen = expectStatus(await api.get(`/approvals/${id}`, { token: outsider.token }), 200);
    expect(seen.canAppeal).toBe(false);
    expectProblem(await appeal(id, outsider, 'I disagree'), 403, 'not_allowed');
    const nobody = await ws.contact();
    expectProblem(await appeal(id, nobody, 'I disagree'), 404, 'not_found');
    expect(expectStatus(await api.get(`/approvals/${id}`, { token: agent.token }), 200).appeal).toBeNull();
  });

  it('§2 appeal: with appealsEnabled off nobody may appeal (409 appeals_not_allowed); a template without reviewers is 409 no_appeal_reviewers', async () => {
    const off = await newWorkspace(api, { approvalsEnabled: true });
    const [member, boss] = await agents(off, 2);
    const template = await createTemplate(api, off.admin, {
      name: 'Appealable but switched off',
      allowAppeals: true,
      appealReviewers: [memberRef(boss!)],
      steps: [{ name: 'S', approvers: [memberRef(member!)], rule: { type: 'any' } }],
    });
    const contact = await off.contact();
    const ticket = await off.ticket(contact);
    const created = await requestApproval(api, off.admin, ticket.id, { templateId: template.id });
    await decide(api, member!, created.id, 'deny');
    const view = expectStatus(await api.get(`/approvals/${created.id}`, { token: off.admin.token }), 200);
    expect(view.canAppeal).toBe(false);
    expectProblem(await appeal(created.id, off.admin, 'Please'), 409, 'appeals_not_allowed');

    await off.settings({ appealsEnabled: true });
    const noReviewers = await createTemplate(api, off.admin, {
      name: 'Nobody reviews',
      allowAppeals: true,
      steps: [{ name: 'S', approvers: [memberRef(member!)], rule: { type: 'any' } }],
    });
    const second = await requestApproval(api, off.admin, ticket.id, { templateId: noReviewers.id });
    await decide(api, member!, second.id, 'deny');
    expectProblem(await appeal(second.id, off.admin, 'Please'), 409, 'no_appeal_reviewers');
    // With the switch on, the first one can be appealed now.
    expect(expectStatus(await appeal(created.id, off.admin, 'Please'), 200).status).toBe('appeal_pending');
  });

  it('rule 10: while an appeal is pending the ticket cannot be solved or closed; it can once the appeal is decided', async () => {
    const { ticket, id } = await denied();
    // A denied approval does not hold the ticket.
    expectStatus(
      await api.patch(`/tickets/${ticket.id}`, { status: 'pending' }, { token: agent.token }),
      200,
    );
    expectStatus(await appeal(id, customer, 'Reconsider'), 200);
    for (const status of ['solved', 'closed']) {
      expectProblem(
        await api.patch(`/tickets/${ticket.id}`, { status }, { token: agent.token }),
        409,
        'approval_pending',
      );
    }
    const t = expectStatus(await api.get(`/tickets/${ticket.id}`, { token: agent.token }), 200);
    expect(t.status).toBe('pending');
    expect(t.approvalStatus).toBe('appeal_pending');
    expectStatus(await decideAppeal(id, reviewer, 'approve'), 200);
    expect(
      expectStatus(
        await api.patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: agent.token }),
        200,
      ).status,
    ).toBe('solved');
  });

  it('rule 10: a denied approval on a solved ticket cannot be appealed until the ticket is reopened (decisions.md)', async () => {
    const { ticket, id } = await denied();
    expectStatus(await api.patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: agent.token }), 200);
    expectProblem(await appeal(id, customer, 'Reconsider'), 409, 'ticket_closed');
    expect(expectStatus(await api.get(`/approvals/${id}`, { token: agent.token }), 200).status).toBe(
      'denied',
    );
    expectStatus(await api.patch(`/tickets/${ticket.id}`, { status: 'open' }, { token: agent.token }), 200);
    expect(expectStatus(await appeal(id, customer, 'Reconsider'), 200).status).toBe('appeal_pending');
  });

  it('rule 9: a pending appeal can be canceled by the requester; its reviewers are told', async () => {
    const { id } = await denied();
    expectStatus(await appeal(id, customer, 'Reconsider'), 200);
    const canceled = expectStatus(
      await api.post(`/approvals/${id}/cancel`, undefined, { token: agent.token }),
      200,
    );
    expect(canceled.status).toBe('canceled');
    expect(recipientsOf(await outboxRows(db(), id, 'approval_canceled'))).toEqual(
      keys([memberRef(reviewer), memberRef(groupReviewer)]),
    );
    expectProblem(await decideAppeal(id, reviewer, 'approve'), 409, 'not_pending');
  });
});
