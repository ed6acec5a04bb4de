import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/approvals.js';
import { engine } from '../support/database.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import { addContact, addMember, FAST_POLICY, type MailEnv, startMailEnv } from './harness.js';
import { requestWithLinks } from './link-support.js';

/**
 * Issue 13: the contract lists problems as an open `Problem` (extension members allowed); the answers
 * themselves keep every member they had, as no response schema strips a problem.
 */

let env: MailEnv;
let ws: Workspace;
let approver: Person;
let ticket: { id: string };

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api, { approvalsEnabled: true });
  approver = await addMember(env.api, ws, { name: 'Alice Approver' });
  const customer = await addContact(env.api, ws, { name: 'Cora Customer' });
  ticket = await ws.ticket(customer, { subject: 'Problem members' });
}, 180_000);

afterAll(() => env?.close());

describe(`problem answers keep their extension members (${engine})`, () => {
  it('401 sign_in_required names the workspace; 410 link_inactive says why and what was answered', async () => {
    const { tokens } = await requestWithLinks(env, ticket.id, [approver], { by: ws.admin });
    const link = `/approval-links/${tokens.get(approver)!}`;
    const anonymous = await env.api.post(`${link}/decisions`, { decision: 'approve' });
    expectProblem(anonymous, 401, 'sign_in_required');
    expect(anonymous.body.workspace).toEqual({ id: ws.id, name: expect.any(String) });
    expect(anonymous.body.responderType).toBe('member');
    const decided = await env.api.post(
      `${link}/decisions`,
      { decision: 'approve' },
      { token: approver.token },
    );
    expect(decided.status, JSON.stringify(decided.body)).toBeLessThan(300);
    const again = await env.api.post(`${link}/decisions`, { decision: 'deny' }, { token: approver.token });
    expectProblem(again, 410, 'link_inactive');
    expect(again.body.reason).toBe('used');
    expect(again.body.decision).toMatchObject({ value: 'approve' });
    // And the document allows them: Problem is open to extension members.
    const doc = (await env.api.get('/openapi.json')).body;
    expect(doc.components.schemas.Problem.additionalProperties).not.toBe(false);
  }, 120_000);
});
