import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  agents,
  contactRef,
  createGroup,
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

/** SPEC rules 7 (edit recipients), 8 (resend), 9 (cancel) and the outbox of §4. */

let server: TestServer;
let api: Client;
/** Every session token handed out in this file, to prove none reaches the outbox. */
const tokens: string[] = [];

/** The people of most tests, in one workspace with the default switches (signing people up is slow). */
let shared: { ws: Workspace; agent: Person; a: Person; b: Person; c: Person; customer: Person };

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  const ws = await newWorkspace(api);
  remember(ws.admin);
  const [[agent, a, b, c], customer] = await Promise.all([agents(ws, 4), ws.contact()]);
  shared = remember({ ws, agent: agent!, a: a!, b: b!, c: c!, customer });
});
afterAll(() => server?.close());

const db = () => server.database.handle.db;

function remember<T extends object>(people: T): T {
  const list: any[] = Array.isArray(people) ? people : 'token' in people ? [people] : Object.values(people);
  for (const p of list) if (typeof p?.token === 'string') tokens.push(p.token);
  return people;
}

/** A new ticket among the shared people, or a whole new workspace when the test changes switches. */
async function setUp(settings?: Record<string, unknown>) {
  if (!settings) return { ...shared, ticket: await shared.ws.ticket(shared.customer) };
  const ws = await newWorkspace(api, settings);
  remember(ws.admin);
  const [agent, a, b, c] = remember(await agents(ws, 4));
  const customer = remember(await ws.contact());
  const ticket = await ws.ticket(customer);
  return { ws, agent: agent!, a: a!, b: b!, c: c!, customer, ticket };
}

const recipients = (api: Client, id: string, by: Person, body: unknown) =>
  api.patch(`/approvals/${id}/recipients`, body, { token: by.token });
const remind = (api: Client, id: string, by: Person, body: unknown = {}) =>
  api.post(`/approvals/${id}/reminders`, body, { token: by.token });

describe(`rule 7: edit recipients (${engine})`, () => {
  it('rule 7: added people are emailed, and only they; removed people leave the step and can no longer answer', async () => {
    const { agent, a, b, c, ticket, ws } = await setUp();
    const d = remember(await ws.member());
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Edit me',
      approvers: [memberRef(a), memberRef(b)],
      rule: { type: 'all' },
    });
    const before = await outboxRows(db(), created.id);
    expect(before).toHaveLength(2);

    const edited = expectStatus(
      await recipients(api, created.id, agent, { add: [memberRef(c), memberRef(a)], remove: [memberRef(b)] }),
      200,
    );
    expect(edited.status).toBe('pending');
    expect(edited.id).toBe(created.id);
    expect(edited.steps[0].approvers.map((x: any) => x.id)).toEqual([a.id, c.id]);
    const after = await outboxRows(db(), created.id);
    const added = after.slice(before.length);
    expect(
      added.map((r: any) => [r.kind, `${r.recipient_type}:${r.recipient_id}`, r.payload.stepIndex]),
    ).toEqual([['approval_requested', `member:${c.id}`, 0]]);
    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: b.token }),
      403,
      'not_an_approver',
    );
    const shown = expectStatus(await api.get(`/approvals/${created.id}`, { token: b.token }), 200);
    expect(shown.canRespond).toBe(false);

    // A group adds only the people not already on the step.
    const group = await createGroup(api, ws.admin, { name: 'G', memberIds: [a.id, c.id, d.id] });
    const viaGroup = expectStatus(await recipients(api, created.id, agent, { add: [groupRef(group)] }), 200);
    expect(viaGroup.steps[0].approvers.map((x: any) => x.id)).toEqual([a.id, c.id, d.id]);
    const third = (await outboxRows(db(), created.id)).slice(after.length);
    expect(recipientsOf(third)).toEqual([`member:${d.id}`]);

    // A person both added and removed is removed; nobody is emailed.
    const both = expectStatus(
      await recipients(api, created.id, agent, { add: [memberRef(b)], remove: [memberRef(b), memberRef(d)] }),
      200,
    );
    expect(both.steps[0].approvers.map((x: any) => x.id)).toEqual([a.id, c.id]);
    expect(await outboxRows(db(), created.id)).toHaveLength(after.length + 1);

    // With `all`, the remaining two decide it.
    await decide(api, a, created.id, 'approve');
    expect((await decide(api, c, created.id, 'approve')).status).toBe('approved');
    expectProblem(await recipients(api, created.id, agent, { add: [memberRef(b)] }), 409, 'not_pending');
  });

  it('rule 7: removing an approver who already answered drops the answer; a min step that could no longer complete is refused (409 min_unreachable)', async () => {
    const { agent, a, b, c, ticket } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Two of three',
      approvers: [memberRef(a), memberRef(b), memberRef(c)],
      rule: { type: 'min', count: 2 },
    });
    await decide(api, a, created.id, 'approve');
    const edited = expectStatus(await recipients(api, created.id, agent, { remove: [memberRef(a)] }), 200);
    expect(edited.displayStatus).toBe('pending');
    expect(edited.steps[0].approvers.map((x: any) => x.id)).toEqual([b.id, c.id]);
    const rows = await outboxRows(db(), created.id);
    const activityBefore = await activityOf(api, agent.token, ticket.id, created.id);
    expectProblem(
      await recipients(api, created.id, agent, { remove: [memberRef(b)] }),
      409,
      'min_unreachable',
    );
    // A refused edit writes nothing.
    expect(await outboxRows(db(), created.id)).toEqual(rows);
    expect(await activityOf(api, agent.token, ticket.id, created.id)).toEqual(activityBefore);
    const still = expectStatus(await api.get(`/approvals/${created.id}`, { token: agent.token }), 200);
    expect(still.steps[0].approvers.map((x: any) => x.id)).toEqual([b.id, c.id]);
  });

  it('rule 7: removing every recipient cancels the approval; it leaves the ticket list but GET /approvals/{id} shows it canceled', async () => {
    const { agent, a, b, ticket, ws } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Going away',
      approvers: [memberRef(a), memberRef(b)],
    });
    const kept = await requestApproval(api, agent, ticket.id, {
      title: 'Staying',
      approvers: [memberRef(a)],
    });
    const listed = expectStatus(
      await api.get(`/tickets/${ticket.id}/approvals`, { token: agent.token }),
      200,
    );
    expect(listed.items.map((x: any) => x.id)).toEqual([kept.id, created.id]);

    const canceled = expectStatus(
      await recipients(api, created.id, ws.admin, { remove: [memberRef(a), memberRef(b)] }),
      200,
    );
    expect(canceled.status).toBe('canceled');
    expect(canceled.steps[0].status).toBe('canceled');
    expect(canceled.steps[0].approvers).toEqual([]);
    const after = expectStatus(await api.get(`/tickets/${ticket.id}/approvals`, { token: agent.token }), 200);
    expect(after.items.map((x: any) => x.id)).toEqual([kept.id]);
    const direct = expectStatus(await api.get(`/approvals/${created.id}`, { token: agent.token }), 200);
    expect(direct.status).toBe('canceled');
    expect(direct.displayStatus).toBe('canceled');
    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: a.token }),
      409,
      'not_pending',
    );
    const types = (await activityOf(api, agent.token, ticket.id, created.id)).map((x) => x.type);
    expect(types.slice(-2)).toEqual(['recipients_edited', 'canceled']);
    // The requester (who did not cancel) is told; removed people are not emailed again.
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_canceled'))).toEqual([
      `member:${agent.id}`,
    ]);
    const tasks = expectStatus(await api.get('/me/approval-tasks', { token: agent.token }), 200);
    const onTicket = tasks.requestedByMe.filter((x: any) => x.ticketId === ticket.id);
    expect(onTicket.map((x: any) => x.id)).toEqual([kept.id]);
  });

  it('rule 7: a removed person added back is asked afresh; someone added can be reminded at once (rule 8: their first email does not count)', async () => {
    const { agent, a, b, ticket } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Back and forth',
      approvers: [memberRef(a), memberRef(b)],
      rule: { type: 'all' },
    });
    await decide(api, b, created.id, 'approve');
    expectStatus(await recipients(api, created.id, agent, { remove: [memberRef(b)] }), 200);
    const back = expectStatus(await recipients(api, created.id, agent, { add: [memberRef(b)] }), 200);
    // The earlier answer no longer counts: b is asked again.
    expect(back.steps[0].approvers.map((x: any) => [x.id, x.decision])).toEqual([
      [a.id, null],
      [b.id, null],
    ]);
    expect(back.displayStatus).toBe('pending');
    const requested = await outboxRows(db(), created.id, 'approval_requested');
    expect(requested.map((r: any) => r.recipient_id)).toEqual([a.id, b.id, b.id]);
    expectStatus(await remind(api, created.id, agent, { approver: memberRef(b) }), 200);
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_reminder'))).toEqual([`member:${b.id}`]);
    await decide(api, b, created.id, 'approve');
    expect((await decide(api, a, created.id, 'approve')).status).toBe('approved');
  });

  it('rule 7 and rule 5: removing the last person awaited completes the step, and the next step starts with its approvers resolved', async () => {
    const { agent, a, b, c, ticket, ws } = await setUp();
    const group = await createGroup(api, ws.admin, { name: 'Next', memberIds: [c.id] });
    const template = expectStatus(
      await api.post(
        '/approval-templates',
        {
          name: 'Edit completes',
          steps: [
            { name: 'Both', approvers: [memberRef(a), memberRef(b)], rule: { type: 'all' } },
            { name: 'Group', approvers: [groupRef(group)], rule: { type: 'any' } },
          ],
        },
        { token: ws.admin.token },
      ),
      201,
    );
    const created = await requestApproval(api, agent, ticket.id, { templateId: template.id });
    await decide(api, a, created.id, 'approve');
    const edited = expectStatus(await recipients(api, created.id, agent, { remove: [memberRef(b)] }), 200);
    expect(edited.status).toBe('pending');
    expect(edited.currentStepIndex).toBe(1);
    expect(edited.steps.map((s: any) => s.status)).toEqual(['approved', 'active']);
    expect(edited.steps[1].approvers.map((x: any) => x.id)).toEqual([c.id]);
    const stepTwo = (await outboxRows(db(), created.id, 'approval_requested')).filter(
      (r: any) => r.payload.stepIndex === 1,
    );
    expect(recipientsOf(stepTwo)).toEqual([`member:${c.id}`]);
    const types = (await activityOf(api, agent.token, ticket.id, created.id)).map((x) => x.type);
    expect(types.slice(-3)).toEqual(['recipients_edited', 'step_completed', 'step_started']);
    expect((await decide(api, c, created.id, 'approve')).status).toBe('approved');
  });

  it('rule 7: only members edit recipients; a contact approver gets an email only when contactApprovalEmails is on', async () => {
    const { agent, a, customer, ticket, ws } = await setUp({
      approvalsEnabled: true,
      contactsCanViewApprovals: true,
    });
    const other = remember(await ws.contact());
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Contacts',
      approvers: [memberRef(a), contactRef(customer)],
    });
    expectProblem(
      await recipients(api, created.id, customer, { add: [memberRef(agent)] }),
      403,
      'members_only',
    );
    const base = (await outboxRows(db(), created.id)).length;
    expect(base).toBe(1);
    expectStatus(await recipients(api, created.id, agent, { add: [contactRef(other)] }), 200);
    expect(await outboxRows(db(), created.id)).toHaveLength(base);
    await ws.settings({ contactApprovalEmails: true });
    const third = remember(await ws.contact());
    expectStatus(await recipients(api, created.id, agent, { add: [contactRef(third)] }), 200);
    const rows = await outboxRows(db(), created.id);
    expect(recipientsOf(rows.slice(base))).toEqual([`contact:${third.id}`]);
    expectProblem(await recipients(api, created.id, agent, {}), 400, 'invalid_request');
  });
});

describe(`rule 8: resend (${engine})`, () => {
  it('rule 8: a resend right after creation emails every approver who has not answered; a second within 5 minutes is 429 with Retry-After', async () => {
    const { agent, a, b, c, ticket } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Remind',
      approvers: [memberRef(a), memberRef(b), memberRef(c)],
      rule: { type: 'all' },
    });
    await decide(api, a, created.id, 'approve');
    // The step's first email does not count.
    const first = expectStatus(await remind(api, created.id, agent), 200);
    expect(first.id).toBe(created.id);
    expect(first.status).toBe('pending');
    const reminders = await outboxRows(db(), created.id, 'approval_reminder');
    expect(recipientsOf(reminders)).toEqual(keys([memberRef(b), memberRef(c)]));
    expect(new Set(reminders.map((r: any) => r.event_id)).size).toBe(1);
    expect(reminders.every((r: any) => r.payload.stepIndex === 0)).toBe(true);

    const again = await remind(api, created.id, agent);
    expectProblem(again, 429, 'reminder_too_soon');
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(240);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Another member cannot get around it either.
    expectProblem(await remind(api, created.id, a), 429, 'reminder_too_soon');
    expectProblem(await remind(api, created.id, agent, { approver: memberRef(b) }), 429, 'reminder_too_soon');
    expect(await outboxRows(db(), created.id, 'approval_reminder')).toHaveLength(2);

    const activity = (await activityOf(api, agent.token, ticket.id, created.id)).filter(
      (x) => x.type === 'reminder_sent',
    );
    expect(activity).toHaveLength(1);
    expect(keys(activity[0].data.to)).toEqual(keys([memberRef(b), memberRef(c)]));
  });

  it('rule 8: resend to one approver; the others can still be reminded; an approver who answered (or a stranger) is 400', async () => {
    const { agent, a, b, c, ticket, customer } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'One by one',
      approvers: [memberRef(a), memberRef(b), memberRef(c)],
      rule: { type: 'all' },
    });
    expectStatus(await remind(api, created.id, agent, { approver: memberRef(b) }), 200);
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_reminder'))).toEqual([`member:${b.id}`]);
    expectProblem(await remind(api, created.id, agent, { approver: memberRef(b) }), 429, 'reminder_too_soon');
    // Everyone else: b was reminded a moment ago, so only a and c.
    expectStatus(await remind(api, created.id, agent), 200);
    const rows = await outboxRows(db(), created.id, 'approval_reminder');
    expect(recipientsOf(rows.slice(1))).toEqual(keys([memberRef(a), memberRef(c)]));
    expectProblem(await remind(api, created.id, agent), 429, 'reminder_too_soon');

    await decide(api, a, created.id, 'approve');
    const answered = await remind(api, created.id, agent, { approver: memberRef(a) });
    expectProblem(answered, 400, 'invalid_request');
    expect(answered.body.errors.map((e: any) => e.field)).toContain('approver');
    expectProblem(
      await remind(api, created.id, agent, { approver: memberRef(agent) }),
      400,
      'invalid_request',
    );
    expectProblem(await remind(api, created.id, customer, {}), 403, 'members_only');
    expect(await outboxRows(db(), created.id, 'approval_reminder')).toHaveLength(3);

    await decide(api, b, created.id, 'deny');
    expectProblem(await remind(api, created.id, agent), 409, 'not_pending');
  });

  it('rule 8: a new step starts a fresh reminder window', async () => {
    const { agent, a, b, ticket, ws } = await setUp();
    const tpl = expectStatus(
      await api.post(
        '/approval-templates',
        {
          name: 'Two steps',
          steps: [
            { name: 'One', approvers: [memberRef(a), memberRef(b)], rule: { type: 'any' } },
            { name: 'Two', approvers: [memberRef(b)], rule: { type: 'any' } },
          ],
        },
        { token: ws.admin.token },
      ),
      201,
    );
    const created = await requestApproval(api, agent, ticket.id, { templateId: tpl.id });
    expectStatus(await remind(api, created.id, agent), 200);
    await decide(api, a, created.id, 'approve');
    expectStatus(await remind(api, created.id, agent), 200);
    const rows = await outboxRows(db(), created.id, 'approval_reminder');
    expect(rows.map((r: any) => [`${r.recipient_type}:${r.recipient_id}`, r.payload.stepIndex])).toEqual([
      [`member:${a.id}`, 0],
      [`member:${b.id}`, 0],
      [`member:${b.id}`, 1],
    ]);
  });
});

describe(`rule 9: cancel (${engine})`, () => {
  it('rule 9: the requesting member cancels; approvers who had not answered are told; the approval is finished', async () => {
    const { agent, a, b, c, ticket } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Cancel me',
      approvers: [memberRef(a), memberRef(b), memberRef(c)],
      rule: { type: 'all' },
    });
    await decide(api, a, created.id, 'approve');
    const canceled = expectStatus(
      await api.post(`/approvals/${created.id}/cancel`, undefined, { token: agent.token }),
      200,
    );
    expect(canceled.status).toBe('canceled');
    expect(canceled.displayStatus).toBe('canceled');
    expect(canceled.steps[0].status).toBe('canceled');
    expect(canceled.canCancel).toBe(false);
    const rows = await outboxRows(db(), created.id, 'approval_canceled');
    expect(recipientsOf(rows)).toEqual(keys([memberRef(b), memberRef(c)]));
    expect(new Set(rows.map((r: any) => r.event_id)).size).toBe(1);

    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: b.token }),
      409,
      'not_pending',
    );
    expectProblem(
      await api.post(`/approvals/${created.id}/cancel`, undefined, { token: agent.token }),
      409,
      'not_pending',
    );
    const ticketNow = expectStatus(await api.get(`/tickets/${ticket.id}`, { token: agent.token }), 200);
    expect(ticketNow.approvalStatus).toBeNull();
  });

  it('rule 9: an admin may cancel, another agent may not (403 not_allowed); a finished approval is 409 not_pending', async () => {
    const { agent, a, b, ticket, ws, customer } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Admin cancels',
      approvers: [memberRef(a)],
    });
    for (const who of [b, a]) {
      expectProblem(
        await api.post(`/approvals/${created.id}/cancel`, undefined, { token: who.token }),
        403,
        'not_allowed',
      );
    }
    expectProblem(
      await api.post(`/approvals/${created.id}/cancel`, undefined, { token: customer.token }),
      404,
      'not_found',
    );
    expect(expectStatus(await api.get(`/approvals/${created.id}`, { token: agent.token }), 200).status).toBe(
      'pending',
    );
    expect(await outboxRows(db(), created.id, 'approval_canceled')).toHaveLength(0);

    const byAdmin = expectStatus(
      await api.post(`/approvals/${created.id}/cancel`, undefined, { token: ws.admin.token }),
      200,
    );
    expect(byAdmin.status).toBe('canceled');
    // The requester did not cancel, so they are told as well.
    expect(recipientsOf(await outboxRows(db(), created.id, 'approval_canceled'))).toEqual(
      keys([memberRef(a), memberRef(agent)]),
    );
    const activity = await activityOf(api, agent.token, ticket.id, created.id);
    expect(activity.at(-1)).toMatchObject({ type: 'canceled', actor: { id: ws.admin.id }, channel: 'api' });

    const done = await requestApproval(api, agent, ticket.id, { title: 'Done', approvers: [memberRef(a)] });
    await decide(api, a, done.id, 'approve');
    expectProblem(
      await api.post(`/approvals/${done.id}/cancel`, undefined, { token: agent.token }),
      409,
      'not_pending',
    );
    expectProblem(
      await api.post(`/approvals/${done.id}/cancel`, undefined, { token: ws.admin.token }),
      409,
      'not_pending',
    );
    expectProblem(
      await api.post(`/approvals/${done.id}/cancel`, undefined, { token: b.token }),
      403,
      'not_allowed',
    );
  });
});

describe(`§4 outbox (${engine})`, () => {
  it('§4 each event writes one row per recipient in its transaction; contacts only when contactApprovalEmails is on, members always', async () => {
    const { agent, a, customer, ticket, ws } = await setUp({ approvalsEnabled: true });
    const cc = remember(await ws.contact());
    const off = await requestApproval(api, agent, ticket.id, {
      title: 'Emails off',
      approvers: [memberRef(a), contactRef(customer), contactRef(cc), memberRef(a)],
      rule: { type: 'all' },
    });
    // Rows exist as soon as the request answered: written with the change.
    const offRows = await outboxRows(db(), off.id);
    expect(offRows.map((r: any) => [r.kind, `${r.recipient_type}:${r.recipient_id}`])).toEqual([
      ['approval_requested', `member:${a.id}`],
    ]);

    await ws.settings({ contactApprovalEmails: true });
    const on = await requestApproval(api, agent, ticket.id, {
      title: 'Emails on',
      approvers: [memberRef(a), contactRef(customer), contactRef(cc), contactRef(customer)],
      rule: { type: 'all' },
    });
    const onRows = await outboxRows(db(), on.id);
    expect(onRows.every((r: any) => r.kind === 'approval_requested')).toBe(true);
    expect(recipientsOf(onRows)).toEqual(keys([memberRef(a), contactRef(customer), contactRef(cc)]));
    expect(new Set(onRows.map((r: any) => r.event_id)).size).toBe(1);
    expectStatus(await remind(api, on.id, agent), 200);
    expect(recipientsOf(await outboxRows(db(), on.id, 'approval_reminder'))).toEqual(
      keys([memberRef(a), contactRef(customer), contactRef(cc)]),
    );
    expectStatus(await api.post(`/approvals/${on.id}/cancel`, undefined, { token: agent.token }), 200);
    expect(recipientsOf(await outboxRows(db(), on.id, 'approval_canceled'))).toEqual(
      keys([memberRef(a), contactRef(customer), contactRef(cc)]),
    );

    // Every row of this workspace is a distinct (event, recipient) pair.
    const { rows } = await sql<{ n: number; distinct_pairs: number }>`
      select count(*)::int as n,
             count(distinct (event_id, recipient_type, recipient_id))::int as distinct_pairs
      from outbox where workspace_id = ${ws.id}`.execute(db());
    expect(Number(rows[0]!.n)).toBe(Number(rows[0]!.distinct_pairs));
  });

  it('§4 a refused change writes no outbox row and no activity', async () => {
    const { agent, a, b, ticket } = await setUp();
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Refusals',
      approvers: [memberRef(a)],
    });
    const count = async () => {
      const { rows } = await sql<{ o: number; act: number }>`
        select (select count(*)::int from outbox where approval_id = ${created.id}) as o,
               (select count(*)::int from activities where approval_id = ${created.id}) as act`.execute(db());
      return rows[0];
    };
    const before = await count();
    expectProblem(
      await api.post(`/approvals/${created.id}/decisions`, { decision: 'approve' }, { token: b.token }),
      403,
      'not_an_approver',
    );
    expectProblem(
      await api.post(`/approvals/${created.id}/cancel`, undefined, { token: b.token }),
      403,
      'not_allowed',
    );
    expectStatus(await remind(api, created.id, agent), 200);
    const afterReminder = await count();
    expectProblem(await remind(api, created.id, agent), 429, 'reminder_too_soon');
    expect(await count()).toEqual(afterReminder);
    expect(Number(afterReminder!.o)).toBe(Number(before!.o) + 1);
  });

  it('§4 no outbox row holds a raw token, and no link is minted before an email is rendered', async () => {
    const { agent, a, b, ticket, ws } = await setUp({ approvalsEnabled: true, contactApprovalEmails: true });
    const created = await requestApproval(api, agent, ticket.id, {
      title: 'Tokens',
      approvers: [memberRef(a), memberRef(b)],
      rule: { type: 'all' },
    });
    expectStatus(await remind(api, created.id, agent), 200);
    await decide(api, a, created.id, 'approve');
    expect(ws.id).toBeTruthy();

    const rows = await db().selectFrom('outbox').selectAll().execute();
    expect(rows.length).toBeGreaterThan(10);
    const links = await db().selectFrom('approval_links').select('token_hash').execute();
    for (const row of rows) {
      const text = JSON.stringify(row);
      // A link token is 32 bytes in base64url: 43 characters.
      expect(text, text).not.toMatch(/(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{43}($|[^A-Za-z0-9_-])/);
      expect(text).not.toMatch(/token/i);
      expect(text).not.toContain('/respond/');
      for (const t of tokens) expect(text).not.toContain(t.split('.').at(-1)!);
      for (const l of links) expect(text).not.toContain(l.token_hash);
    }
  });
});
