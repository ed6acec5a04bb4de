import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addContact,
  addMember,
  drain,
  FAST_POLICY,
  type MailEnv,
  startMailEnv,
  tokenOf,
} from '../mail/harness.js';
import {
  activityOf,
  contactRef,
  createGroup,
  createTemplate,
  decide,
  expectProblem,
  expectStatus,
  groupRef,
  memberRef,
  outboxRows,
  recipientsOf,
  requestApproval,
} from '../support/approvals.js';
import { engine } from '../support/database.js';
import type { Person, Workspace } from '../support/workspace.js';
import { newWorkspace } from '../support/workspace.js';

/**
 * SPEC §8.1 "A step that resolves to nobody" and "Template switches" (issue 11 items 5, 6;
 * issue 10 finding 11), through real HTTP, with the emails delivered to a real SMTP sink.
 */

let env: MailEnv;
let ws: Workspace;
let agent: Person; // requests, English
let agentFr: Person; // requests, French
let alice: Person;
let bob: Person;
let customer: Person;

const api = () => env.api;
const db = () => env.db;

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api, { approvalsEnabled: true, contactApprovalEmails: true });
  agent = await addMember(env.api, ws, { name: 'Rita Requester' });
  agentFr = await addMember(env.api, ws, { name: 'Rémi Demandeur', locale: 'fr' });
  alice = await addMember(env.api, ws, { name: 'Alice Approver' });
  bob = await addMember(env.api, ws, { name: 'Bob Backup' });
  customer = await addContact(env.api, ws, { name: 'Cora Customer' });
});
afterAll(() => env?.close());

const get = async (id: string, who: Person = ws.admin) =>
  expectStatus(await api().get(`/approvals/${id}`, { token: who.token }), 200);
const edit = (id: string, who: Person, body: Record<string, unknown>) =>
  api().patch(`/approvals/${id}/recipients`, body, { token: who.token });
const types = async (ticketId: string, approvalId: string) =>
  (await activityOf(api(), ws.admin.token, ticketId, approvalId)).map((a) => a.type);

describe(`§8.1 whenNobody (${engine})`, () => {
  it('§8.1 wait (the default): the approval stays on the step (no_approvers), the requesting member is emailed (EN and FR), and it goes on once edit recipients adds someone', async () => {
    const empty = await createGroup(api(), ws.admin, { name: `Empty ${Date.now()}` });
    const template = await createTemplate(api(), ws.admin, {
      name: 'Waits on nobody',
      steps: [
        { name: 'Lead', approvers: [memberRef(alice)], rule: { type: 'any' } },
        { name: 'Finance', approvers: [groupRef(empty)], rule: { type: 'any' } },
      ],
    });
    expect(template.steps[1].whenNobody).toBe('wait');
    for (const requester of [agent, agentFr]) {
      const ticket = await ws.ticket(customer);
      const created = await requestApproval(api(), requester, ticket.id, { templateId: template.id });
      const waiting = await decide(api(), alice, created.id, 'approve');
      expect(waiting.status).toBe('pending');
      expect(waiting.currentStepIndex).toBe(1);
      expect(waiting.steps.map((s: any) => s.status)).toEqual(['approved', 'no_approvers']);
      expect(waiting.steps[1].approvers).toEqual([]);
      expect(await types(ticket.id, created.id)).toContain('step_has_no_approvers');
      const rows = await outboxRows(db(), created.id, 'step_has_no_approvers');
      expect(recipientsOf(rows)).toEqual([`member:${requester.id}`]);
      await drain(db(), env.sink);
      const email = env.sink.messages.find(
        (m) => m.to.includes(requester.email.toLowerCase()) && m.text.includes('Finance'),
      );
      expect(email, 'the step_has_no_approvers email reached the SMTP sink').toBeDefined();
      const text = email!.text.replace(/[\u00a0\u202f]/g, ' ');
      if (requester === agentFr) {
        expect(email!.subject.replace(/[\u00a0\u202f]/g, ' ')).toContain("une étape n'a aucun approbateur");
        expect(text).toContain("L'étape « Finance »");
      } else {
        expect(email!.subject).toContain('a step has nobody to approve it');
        expect(text).toContain('Step “Finance”');
      }

      // Nothing moves it on its own: the requester cannot approve it, and reminders have nobody to remind.
      expectProblem(
        await api().post(
          `/approvals/${created.id}/decisions`,
          { decision: 'approve' },
          { token: requester.token },
        ),
        403,
        'not_an_approver',
      );
      expect((await get(created.id)).status).toBe('pending');

      const resumed = expectStatus(await edit(created.id, requester, { add: [memberRef(bob)] }), 200);
      expect(resumed.steps[1].status).toBe('active');
      expect(resumed.steps[1].approvers.map((a: any) => a.id)).toEqual([bob.id]);
      const asked = await outboxRows(db(), created.id, 'approval_requested');
      expect(recipientsOf(asked)).toEqual([`member:${alice.id}`, `member:${bob.id}`].sort());
      expect((await decide(api(), bob, created.id, 'approve')).status).toBe('approved');
    }
  });

  it('§8.1 wait on the first step: the request is made and waits (201, steps[0] no_approvers), the requester is emailed', async () => {
    const template = await createTemplate(api(), ws.admin, {
      name: 'Assignee first',
      steps: [{ name: 'Assignee', approvers: [{ type: 'ticket_assignee' }], rule: { type: 'any' } }],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api(), agent, ticket.id, { templateId: template.id });
    expect(created.status).toBe('pending');
    expect(created.steps[0].status).toBe('no_approvers');
    expect(recipientsOf(await outboxRows(db(), created.id, 'step_has_no_approvers'))).toEqual([
      `member:${agent.id}`,
    ]);
    // The ticket cannot be solved while it waits (rule 10).
    expectProblem(
      await api().patch(`/tickets/${ticket.id}`, { status: 'solved' }, { token: ws.admin.token }),
      409,
      'approval_pending',
    );
  });

  it('§8.1 skip keeps the old behaviour: step_skipped, and a template whose every step is skipped is 400', async () => {
    const skipping = await createTemplate(api(), ws.admin, {
      name: 'Skips',
      steps: [
        { name: 'Lead', approvers: [memberRef(alice)], rule: { type: 'any' } },
        {
          name: 'Assignee',
          approvers: [{ type: 'ticket_assignee' }],
          rule: { type: 'any' },
          whenNobody: 'skip',
        },
      ],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api(), agent, ticket.id, { templateId: skipping.id });
    const done = await decide(api(), alice, created.id, 'approve');
    expect(done.status).toBe('approved');
    expect(done.steps.map((s: any) => s.status)).toEqual(['approved', 'skipped']);
    expect(await types(ticket.id, created.id)).toContain('step_skipped');
    expect(await outboxRows(db(), created.id, 'step_has_no_approvers')).toEqual([]);

    const allSkipped = await createTemplate(api(), ws.admin, {
      name: 'Nobody at all',
      steps: [
        {
          name: 'Assignee',
          approvers: [{ type: 'ticket_assignee' }],
          rule: { type: 'any' },
          whenNobody: 'skip',
        },
      ],
    });
    const refused = await api().post(
      `/tickets/${ticket.id}/approvals`,
      { templateId: allSkipped.id },
      { token: agent.token },
    );
    expectProblem(refused, 400, 'invalid_request');
  });
});

describe(`§8.1 preventSelfApproval (${engine})`, () => {
  it('§8.1 the requesting member and the on-behalf-of person are left out when a step is resolved (approver_left_out); adding them by hand is 409 self_approval, for admins too', async () => {
    const team = await createGroup(api(), ws.admin, {
      name: `Team ${Date.now()}`,
      memberIds: [agent.id, alice.id],
    });
    const template = await createTemplate(api(), ws.admin, {
      name: 'No self approval',
      preventSelfApproval: true,
      steps: [
        { name: 'Team', approvers: [groupRef(team), { type: 'ticket_requester' }], rule: { type: 'all' } },
      ],
    });
    expect(template.preventSelfApproval).toBe(true);
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api(), agent, ticket.id, {
      templateId: template.id,
      onBehalfOf: contactRef(customer),
    });
    expect(created.steps[0].approvers.map((a: any) => a.id)).toEqual([alice.id]);
    const activity = await activityOf(api(), ws.admin.token, ticket.id, created.id);
    const leftOut = activity.filter((a) => a.type === 'approver_left_out').map((a) => a.data.person);
    expect(leftOut).toEqual([memberRef(agent), contactRef(customer)]);

    const before = (await activityOf(api(), ws.admin.token, ticket.id, created.id)).length;
    for (const [who, ref] of [
      [agent, memberRef(agent)],
      [ws.admin, memberRef(agent)],
      [ws.admin, contactRef(customer)],
    ] as const) {
      expectProblem(await edit(created.id, who, { add: [ref] }), 409, 'self_approval');
    }
    expect((await activityOf(api(), ws.admin.token, ticket.id, created.id)).length).toBe(before);
    expect((await get(created.id)).steps[0].approvers.map((a: any) => a.id)).toEqual([alice.id]);
  });

  it('§5 switched off (the default), the requesting member may be an approver', async () => {
    const template = await createTemplate(api(), ws.admin, {
      name: 'Self allowed',
      steps: [{ name: 'Me', approvers: [memberRef(agent)], rule: { type: 'any' } }],
    });
    expect(template.preventSelfApproval).toBe(false);
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api(), agent, ticket.id, { templateId: template.id });
    expect((await decide(api(), agent, created.id, 'approve')).status).toBe('approved');
  });
});

describe(`§8.1 requireCommentOnDeny (${engine})`, () => {
  it('§8.1 a denial without a non-empty comment is 400 and writes nothing, through the API and an approval link; with a comment it denies', async () => {
    const template = await createTemplate(api(), ws.admin, {
      name: 'Say why',
      requireCommentOnDeny: true,
      steps: [{ name: 'Lead', approvers: [memberRef(alice), memberRef(bob)], rule: { type: 'all' } }],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api(), agent, ticket.id, { templateId: template.id });
    expect(created.commentRequiredOnDeny).toBe(true);
    const before = await types(ticket.id, created.id);
    const outboxBefore = (await outboxRows(db(), created.id)).length;
    for (const body of [{ decision: 'deny' }, { decision: 'deny', comment: '   ' }]) {
      const res = await api().post(`/approvals/${created.id}/decisions`, body, { token: alice.token });
      expectProblem(res, 400, 'invalid_request');
      expect(res.body.errors.map((e: any) => e.field)).toContain('comment');
    }
    await drain(db(), env.sink);
    const email = env.sink.messages.find(
      (m) => m.to.includes(bob.email.toLowerCase()) && m.subject.includes('Say why'),
    );
    const token = tokenOf(email!);
    const byLink = await api().post(
      `/approval-links/${token}/decisions`,
      { decision: 'deny' },
      { token: bob.token },
    );
    expectProblem(byLink, 400, 'invalid_request');
    expect(await types(ticket.id, created.id)).toEqual(before);
    expect(await outboxRows(db(), created.id)).toHaveLength(outboxBefore);
    expect((await get(created.id)).status).toBe('pending');

    // The link still works after the refusal; an approval needs no comment.
    expectStatus(
      await api().post(`/approval-links/${token}/decisions`, { decision: 'approve' }, { token: bob.token }),
      200,
    );
    expect((await get(created.id)).steps[0].approvers.find((a: any) => a.id === bob.id).decision).toBe(
      'approve',
    );
    expect((await decide(api(), alice, created.id, 'deny', 'Over budget')).status).toBe('denied');
  });
});

describe(`issue 10 finding 11: lockRecipients (${engine})`, () => {
  it('§8.1 lockRecipients: the requesting agent cannot edit recipients (403 recipients_locked, nothing written); an admin can', async () => {
    const template = await createTemplate(api(), ws.admin, {
      name: 'Locked',
      lockRecipients: true,
      steps: [{ name: 'Lead', approvers: [memberRef(alice)], rule: { type: 'any' } }],
    });
    const ticket = await ws.ticket(customer);
    const created = await requestApproval(api(), agent, ticket.id, { templateId: template.id });
    expect(created.canEditRecipients).toBe(false);
    const before = await types(ticket.id, created.id);
    expectProblem(
      await edit(created.id, agent, { remove: [memberRef(alice)], add: [memberRef(agent)] }),
      403,
      'recipients_locked',
    );
    expect(await types(ticket.id, created.id)).toEqual(before);
    expect((await get(created.id)).steps[0].approvers.map((a: any) => a.id)).toEqual([alice.id]);
    expect((await get(created.id, ws.admin)).canEditRecipients).toBe(true);
    const edited = expectStatus(await edit(created.id, ws.admin, { add: [memberRef(bob)] }), 200);
    expect(edited.steps[0].approvers.map((a: any) => a.id).sort()).toEqual([alice.id, bob.id].sort());
  });
});

describe(`§8.1 template switches in the template API (${engine})`, () => {
  it('§8.1 POST stores the switches and whenNobody, GET shows them (defaults false and "wait"), PATCH changes only what it names', async () => {
    const created = await createTemplate(api(), ws.admin, {
      name: 'Switches',
      requireCommentOnDeny: true,
      steps: [{ name: 'A', approvers: [memberRef(alice)], rule: { type: 'any' }, whenNobody: 'skip' }],
    });
    const shown = expectStatus(
      await api().get(`/approval-templates/${created.id}`, { token: agent.token }),
      200,
    );
    expect(shown).toMatchObject({
      preventSelfApproval: false,
      requireCommentOnDeny: true,
      lockRecipients: false,
      steps: [{ whenNobody: 'skip' }],
    });
    const patched = expectStatus(
      await api().patch(
        `/approval-templates/${created.id}`,
        { lockRecipients: true },
        { token: ws.admin.token },
      ),
      200,
    );
    expect(patched).toMatchObject({ name: 'Switches', requireCommentOnDeny: true, lockRecipients: true });
    expectProblem(
      await api().patch(
        `/approval-templates/${created.id}`,
        { lockRecipients: false },
        { token: agent.token },
      ),
      403,
      'admins_only',
    );
    expectProblem(
      await api().post(
        '/approval-templates',
        {
          name: 'Bad',
          steps: [{ name: 'A', approvers: [memberRef(alice)], rule: { type: 'any' }, whenNobody: 'never' }],
        },
        { token: ws.admin.token },
      ),
      400,
      'invalid_request',
    );
  });
});

describe(`§8.1 warnings before requesting and in the editor (${engine})`, () => {
  it('§8.1 POST /tickets/{id}/approvals/preview: per step, the people it would ask now, who preventSelfApproval leaves out, and its warnings', async () => {
    const pair = await createGroup(api(), ws.admin, {
      name: `Pair ${Date.now()}`,
      memberIds: [alice.id, bob.id],
    });
    const template = await createTemplate(api(), ws.admin, {
      name: 'Previewed',
      preventSelfApproval: true,
      steps: [
        { name: 'Assignee', approvers: [{ type: 'ticket_assignee' }], rule: { type: 'any' } },
        { name: 'Pair', approvers: [groupRef(pair), memberRef(agent)], rule: { type: 'min', count: 3 } },
        {
          name: 'Customer',
          approvers: [{ type: 'ticket_requester' }],
          rule: { type: 'any' },
          whenNobody: 'skip',
        },
      ],
    });
    const ticket = await ws.ticket(customer);
    const preview = expectStatus(
      await api().post(
        `/tickets/${ticket.id}/approvals/preview`,
        { templateId: template.id, onBehalfOf: contactRef(customer) },
        { token: agent.token },
      ),
      200,
    );
    expect(preview).toEqual({
      steps: [
        {
          name: 'Assignee',
          whenNobody: 'wait',
          approverCount: 0,
          leftOutCount: 0,
          warnings: [{ code: 'resolves_to_nobody' }],
        },
        {
          name: 'Pair',
          whenNobody: 'wait',
          approverCount: 2,
          leftOutCount: 1,
          warnings: [{ code: 'min_above_reachable', count: 3, reachable: 2 }],
        },
        {
          name: 'Customer',
          whenNobody: 'skip',
          approverCount: 0,
          leftOutCount: 1,
          warnings: [{ code: 'resolves_to_nobody' }],
        },
      ],
      refusal: null,
    });
    // A preview changes nothing.
    expect((await api().get(`/tickets/${ticket.id}/approvals`, { token: agent.token })).body.items).toEqual(
      [],
    );
    expectProblem(
      await api().post(
        `/tickets/${ticket.id}/approvals/preview`,
        { templateId: template.id },
        { token: customer.token },
      ),
      403,
      'members_only',
    );
  });

  it('§8.1 POST /approval-templates/preview: a draft step that can resolve to nobody, or whose min count is above the people it reaches', async () => {
    const empty = await createGroup(api(), ws.admin, { name: `None ${Date.now()}` });
    const pair = await createGroup(api(), ws.admin, {
      name: `Two ${Date.now()}`,
      memberIds: [alice.id, bob.id],
    });
    const any = { type: 'any' };
    const res = await api().post(
      '/approval-templates/preview',
      {
        name: 'Draft',
        steps: [
          { name: 'Assignee', approvers: [{ type: 'ticket_assignee' }], rule: any },
          { name: 'Empty', approvers: [groupRef(empty)], rule: any },
          { name: 'Min', approvers: [memberRef(alice)], rule: { type: 'min', count: 2 } },
          {
            name: 'Maybe',
            approvers: [groupRef(pair), { type: 'ticket_contacts' }],
            rule: { type: 'min', count: 3 },
          },
          { name: 'Fine', approvers: [groupRef(pair), { type: 'ticket_requester' }], rule: { type: 'all' } },
        ],
      },
      { token: ws.admin.token },
    );
    expect(expectStatus(res, 200).steps).toEqual([
      { name: 'Assignee', warnings: [{ code: 'may_resolve_to_nobody' }] },
      { name: 'Empty', warnings: [{ code: 'resolves_to_nobody' }] },
      { name: 'Min', warnings: [{ code: 'min_above_reachable', count: 2, reachable: 1 }] },
      { name: 'Maybe', warnings: [{ code: 'min_may_be_above_reachable', count: 3, atLeast: 2 }] },
      { name: 'Fine', warnings: [] },
    ]);
    expectProblem(
      await api().post(
        '/approval-templates/preview',
        { name: 'Draft', steps: [] },
        { token: ws.admin.token },
      ),
      400,
      'invalid_request',
    );
  });
});
