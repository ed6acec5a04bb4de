import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  cloneApprovals,
  createTicket,
  inProcessApi,
  requestApproval,
  type SeededWorkspace,
  seedMembers,
  seedWorkspace,
} from '../../bench/support/seed.js';
import { engine, openTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * SPEC rule 12 for an approver with a few approvals waiting and for one with
 * thousands: the task list reads them with a different plan past 1,000
 * (src/approvals/queries.ts); both must give exactly the approvals that wait
 * on the person (a current assignment not yet answered, or a pending appeal
 * they review), newest first, up to the limit.
 */

let database: TestDatabase;
let api: Api;
let ws: SeededWorkspace;
let heavy: { id: string; token: string };
let light: { id: string; token: string };

beforeAll(async () => {
  database = await openTestDatabase();
  const db = database.handle.db;
  api = await inProcessApi(database.handle);
  ws = await seedWorkspace(api, 'Tasks');
  await api.call('PATCH', '/settings', { appealsEnabled: true }, ws.admin.token);
  let other: { id: string; token: string };
  [heavy, light, other] = (await seedMembers(db, ws.id, 3)) as [typeof heavy, typeof light, typeof other];
  const member = (p: { id: string }) => ({ type: 'member' as const, id: p.id });

  // Appeals that both review: a denied approval appealed through the API, then copies of it.
  const template = await api.call(
    'POST',
    '/approval-templates',
    {
      name: 'Purchase',
      allowAppeals: true,
      appealReviewers: [member(heavy), member(light)],
      steps: [{ name: 'Boss', approvers: [member(other)], rule: { type: 'any' } }],
    },
    ws.admin.token,
  );
  const appealed = await api.call(
    'POST',
    `/tickets/${(await createTicket(api, ws)).id}/approvals`,
    { templateId: template.id },
    ws.admin.token,
  );
  await api.call('POST', `/approvals/${appealed.id}/decisions`, { decision: 'deny' }, other.token);
  await api.call('POST', `/approvals/${appealed.id}/appeal`, { reason: 'Cheaper now' }, ws.admin.token);
  const waitingOn = async (p: { id: string }) =>
    (await requestApproval(api, ws, (await createTicket(api, ws)).id, [member(p)])).id as string;
  const heavyProto = await waitingOn(heavy);
  const lightProto = await waitingOn(light);

  // Interleaved by number: appeals, heavy's, light's, heavy's, and the newest are appeals.
  await cloneApprovals(db, ws.id, appealed.id, 29);
  await cloneApprovals(db, ws.id, heavyProto, 1_099);
  await cloneApprovals(db, ws.id, lightProto, 19);
  await cloneApprovals(db, ws.id, heavyProto, 200);
  await cloneApprovals(db, ws.id, appealed.id, 30);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await database?.close();
});

/** What waits on the person, newest first, computed from every row of the workspace. */
async function expected(person: { id: string }, limit: number) {
  const db = database.handle.db;
  const approvals = await db
    .selectFrom('approvals')
    .select(['id', 'number', 'status', 'appeal'])
    .where('workspace_id', '=', ws.id)
    .execute();
  const assigned = new Set(
    (
      await db
        .selectFrom('approval_assignments')
        .select('approval_id')
        .where('workspace_id', '=', ws.id)
        .where('person_type', '=', 'member')
        .where('person_id', '=', person.id)
        .where('awaiting', '=', true)
        .execute()
    ).map((r) => r.approval_id),
  );
  const reviews = (a: (typeof approvals)[number]) =>
    a.status === 'appeal_pending' &&
    ((a.appeal as { reviewers: { type: string; id: string }[] }).reviewers ?? []).some(
      (r) => r.type === 'member' && r.id === person.id,
    );
  const waiting = approvals.filter((a) => assigned.has(a.id) || reviews(a));
  return {
    total: waiting.length,
    ids: waiting
      .sort((a, b) => b.number - a.number)
      .slice(0, limit)
      .map((a) => a.id),
  };
}

describe(`approval tasks, few and thousands waiting (${engine})`, () => {
  for (const limit of [50, 200]) {
    it(`thousands waiting: the newest ${limit}, appeals included`, async () => {
      const want = await expected(heavy, limit);
      expect(want.total).toBe(1_300 + 60);
      const got = await api.call('GET', `/me/approval-tasks?limit=${limit}`, undefined, heavy.token);
      expect(got.awaitingMe.map((t: { id: string }) => t.id)).toEqual(want.ids);
    });

    it(`a few waiting: all of them up to ${limit}, appeals included`, async () => {
      const want = await expected(light, limit);
      expect(want.total).toBe(20 + 60);
      const got = await api.call('GET', `/me/approval-tasks?limit=${limit}`, undefined, light.token);
      expect(got.awaitingMe.map((t: { id: string }) => t.id)).toEqual(want.ids);
      expect(got.requestedByMe).toEqual([]);
    });
  }

  it('the requester sees what they requested in the same answer, newest first', async () => {
    const got = await api.call('GET', '/me/approval-tasks?limit=200', undefined, ws.admin.token);
    const numbers = got.requestedByMe.map((t: { number: number }) => t.number);
    expect(numbers).toHaveLength(200);
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
    expect(got.awaitingMe).toEqual([]);
  });
});
