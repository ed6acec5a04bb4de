import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  agents,
  createTemplate,
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

/**
 * A deactivated member named directly as an approver (SPEC §2: references are resolved to concrete people
 * when the step starts; docs/decisions.md: deactivated members are never asked). Issue 13 item 2: leaving
 * direct member references out of the inactive check survived the suite, which only covered groups.
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let active: Person;
let leaver: Person;
let requester: Person;
let customer: Person;

const db = () => server.database.handle.db;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api);
  [active, leaver, requester] = await agents(ws, 3);
  customer = await ws.contact();
  expectStatus(await api.patch(`/members/${leaver.id}`, { active: false }, { token: ws.admin.token }), 200);
});
afterAll(() => server?.close());

const approverIds = (approval: any, step = 0) => approval.steps[step].approvers.map((a: any) => a.id);

describe(`a deactivated member named directly is never asked (${engine})`, () => {
  it('ad hoc: named alone, the request resolves to nobody: 400 on approvers, nothing created', async () => {
    const ticket = await ws.ticket(customer);
    const res = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Only the leaver', approvers: [memberRef(leaver)] },
      { token: requester.token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(res.body.errors.map((e: any) => e.field)).toEqual(['approvers']);
    const listed = expectStatus(
      await api.get(`/tickets/${ticket.id}/approvals`, { token: ws.admin.token }),
      200,
    );
    expect(listed.items).toEqual([]);
  });

  it('ad hoc: named with an active member, only the active one is asked and emailed', async () => {
    const ticket = await ws.ticket(customer);
    const approval = await requestApproval(api, requester, ticket.id, {
      title: 'Leaver and active',
      approvers: [memberRef(leaver), memberRef(active)],
    });
    expect(approverIds(approval)).toEqual([active.id]);
    expect(recipientsOf(await outboxRows(db(), approval.id, 'approval_requested'))).toEqual([
      `member:${active.id}`,
    ]);
    // A `min` count is checked against the people really asked.
    const tooMany = await api.post(
      `/tickets/${ticket.id}/approvals`,
      {
        title: 'Two of them',
        approvers: [memberRef(leaver), memberRef(active)],
        rule: { type: 'min', count: 2 },
      },
      { token: requester.token },
    );
    expect(tooMany.status, JSON.stringify(tooMany.body)).toBe(400);
  });

  it('template step: the deactivated member is left out when the step starts; alone, the step waits for approvers', async () => {
    const template = await createTemplate(api, ws.admin, {
      name: 'Names the leaver',
      steps: [
        { name: 'Both', approvers: [memberRef(leaver), memberRef(active)], rule: { type: 'all' } },
        { name: 'Leaver only', approvers: [memberRef(leaver)], rule: { type: 'any' } },
      ],
    });
    const ticket = await ws.ticket(customer);
    const approval = await requestApproval(api, requester, ticket.id, { templateId: template.id });
    expect(approverIds(approval)).toEqual([active.id]);
    expect(recipientsOf(await outboxRows(db(), approval.id, 'approval_requested'))).toEqual([
      `member:${active.id}`,
    ]);

    // `all` of the people asked: the active member's approval completes step 1.
    const moved = expectStatus(
      await api.post(`/approvals/${approval.id}/decisions`, { decision: 'approve' }, { token: active.token }),
      200,
    );
    expect(moved.status).toBe('pending');
    expect(moved.currentStepIndex).toBe(1);
    expect(moved.steps[1].status).toBe('no_approvers');
    expect(approverIds(moved, 1)).toEqual([]);
    expect(recipientsOf(await outboxRows(db(), approval.id, 'approval_requested'))).toEqual([
      `member:${active.id}`,
    ]);
    expect(recipientsOf(await outboxRows(db(), approval.id, 'step_has_no_approvers'))).toEqual([
      `member:${requester.id}`,
    ]);
    const activity = await activityOf(api, ws.admin.token, ticket.id, approval.id);
    expect(activity.filter((a) => a.type === 'step_has_no_approvers')).toHaveLength(1);
  });
});
