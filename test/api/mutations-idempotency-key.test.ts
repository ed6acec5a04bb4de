import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityOf,
  agents,
  expectProblem,
  expectStatus,
  memberRef,
  outboxRows,
  requestApproval,
} from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC §5: `POST /approvals/{id}/decisions` honours an `Idempotency-Key`. A replay with the same key and
 * body answers what the first request answered and changes nothing; the same key with another body is
 * `422 idempotency_key_reused`. (Issue 13 item 2: these mutations survived the suite before.)
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let first: Person;
let second: Person;
let customer: Person;

const db = () => server.database.handle.db;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api);
  [first, second] = await agents(ws, 2);
  customer = await ws.contact();
});
afterAll(() => server?.close());

/** Everything a decision writes, counted for one approval: a replay must leave each count as it was. */
async function footprint(approvalId: string, ticketId: string) {
  const { rows } = await sql<{ decisions: number; keys: number }>`
    SELECT (SELECT count(*)::int FROM approval_assignments
              WHERE approval_id = ${approvalId} AND decision IS NOT NULL) AS decisions,
           (SELECT count(*)::int FROM idempotency_keys) AS keys`.execute(db());
  return {
    decisions: rows[0]!.decisions,
    keys: rows[0]!.keys,
    activity: (await activityOf(api, ws.admin.token, ticketId, approvalId)).length,
    outbox: (await outboxRows(db(), approvalId)).length,
  };
}

const decideWithKey = (by: Person, approvalId: string, key: string, body: Record<string, unknown>) =>
  api.post(`/approvals/${approvalId}/decisions`, body, {
    token: by.token,
    headers: { 'idempotency-key': key },
  });

describe(`SPEC §5 Idempotency-Key on decisions (${engine})`, () => {
  it('a replay with the same key and body answers the first answer and writes no second decision, activity or email', async () => {
    const ticket = await ws.ticket(customer);
    const approval = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Two signatures',
      approvers: [memberRef(first), memberRef(second)],
      rule: { type: 'all' },
    });
    const body = { decision: 'approve', comment: 'Fine by me' };
    const answered = await decideWithKey(first, approval.id, 'key-replay', body);
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.steps[0].approvers.map((a: any) => a.decision)).toEqual(['approve', null]);
    const after = await footprint(approval.id, ticket.id);
    expect(after.decisions).toBe(1);

    const replay = await decideWithKey(first, approval.id, 'key-replay', body);
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(replay.body).toEqual(answered.body);
    expect(await footprint(approval.id, ticket.id)).toEqual(after);

    // The answer is the one stored with the key: still the first, after the approval has moved on.
    expectStatus(
      await api.post(`/approvals/${approval.id}/decisions`, { decision: 'approve' }, { token: second.token }),
      200,
    );
    const late = await decideWithKey(first, approval.id, 'key-replay', body);
    expect(late.status).toBe(200);
    expect(late.body).toEqual(answered.body);
    expect(late.body.status).toBe('pending');
    const shown = expectStatus(await api.get(`/approvals/${approval.id}`, { token: ws.admin.token }), 200);
    expect(shown.status).toBe('approved');
  });

  it('the same key with another body is 422 idempotency_key_reused and changes nothing', async () => {
    const ticket = await ws.ticket(customer);
    const approval = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Changed mind',
      approvers: [memberRef(first), memberRef(second)],
      rule: { type: 'all' },
    });
    expectStatus(await decideWithKey(first, approval.id, 'key-reused', { decision: 'approve' }), 200);
    const before = await footprint(approval.id, ticket.id);

    for (const other of [{ decision: 'deny' }, { decision: 'approve', comment: 'now with a comment' }]) {
      expectProblem(
        await decideWithKey(first, approval.id, 'key-reused', other),
        422,
        'idempotency_key_reused',
      );
    }
    expect(await footprint(approval.id, ticket.id)).toEqual(before);
    const shown = expectStatus(await api.get(`/approvals/${approval.id}`, { token: ws.admin.token }), 200);
    expect(shown.steps[0].approvers.map((a: any) => [a.id, a.decision, a.comment])).toEqual([
      [first.id, 'approve', null],
      [second.id, null, null],
    ]);

    // The same body on another approval is another request too: the key is spent.
    const elsewhere = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Elsewhere',
      approvers: [memberRef(first)],
    });
    expectProblem(
      await decideWithKey(first, elsewhere.id, 'key-reused', { decision: 'approve' }),
      422,
      'idempotency_key_reused',
    );
  });

  it("a key is one person's: another approver's request with the same key is their own decision", async () => {
    const ticket = await ws.ticket(customer);
    const approval = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Shared key',
      approvers: [memberRef(first), memberRef(second)],
      rule: { type: 'all' },
    });
    expectStatus(await decideWithKey(first, approval.id, 'key-shared', { decision: 'approve' }), 200);
    const theirs = expectStatus(
      await decideWithKey(second, approval.id, 'key-shared', { decision: 'approve' }),
      200,
    );
    expect(theirs.status).toBe('approved');
    // Without a key, a second answer is the ordinary 409.
    expectProblem(
      await api.post(`/approvals/${approval.id}/decisions`, { decision: 'approve' }, { token: first.token }),
      409,
      'not_pending',
    );
  });
});
