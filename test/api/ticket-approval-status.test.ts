import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTicketApprovalStatus } from '../../src/approvals/repo.js';
import { expireDue } from '../../src/approvals/scheduler.js';
import {
  agents,
  createTemplate,
  decide,
  expectProblem,
  expectStatus,
  memberRef,
  requestApproval,
} from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC §8.1 / §8.6 (issue 11 item 1): a ticket's approval status is computed
 * over all of its approvals but the canceled ones: the most urgent unfinished
 * one (needs_info, appeal_pending, partially_approved, pending), else the
 * status of the approval that finished last (an appeal's decision included).
 * Tickets carry approvalCounts {unfinished, total}; ?approvalStatus= filters
 * on the status, `unfinished` and `none`.
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let a1: Person;
let a2: Person;
let reviewer: Person;
let requester: Person;
let appealable: { id: string };
let expiring: { id: string };
const tickets: Record<string, { id: string }> = {};

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, { approvalsEnabled: true, appealsEnabled: true });
  [a1, a2, reviewer] = await agents(ws, 3);
  requester = await ws.contact();
  appealable = await createTemplate(api, ws.admin, {
    name: 'Appealable',
    allowAppeals: true,
    appealReviewers: [memberRef(reviewer)],
    steps: [{ name: 'S', approvers: [memberRef(a1)], rule: { type: 'any' } }],
  });
  expiring = await createTemplate(api, ws.admin, {
    name: 'Expiring',
    expireAfterHours: 1,
    steps: [{ name: 'S', approvers: [memberRef(a1)], rule: { type: 'any' } }],
  });
  for (const name of [
    'none',
    'onlyCanceled',
    'pendingBesideApproved',
    'deniedLast',
    'approvedLastThoughOlder',
    'partialBesidePending',
    'appealBesidePartial',
    'appealDecidedLater',
    'expiredLast',
    'needsInfo',
  ]) {
    tickets[name] = await ws.ticket(requester);
  }
});
afterAll(() => server?.close());

const adHoc = (t: { id: string }, approvers = [memberRef(a1)], rule?: unknown) =>
  requestApproval(api, ws.admin, t.id, { title: 'T', approvers, ...(rule ? { rule } : {}) });
const fromTemplate = (t: { id: string }, template: { id: string }) =>
  requestApproval(api, ws.admin, t.id, { templateId: template.id });
const cancel = async (id: string) =>
  expectStatus(await api.post(`/approvals/${id}/cancel`, undefined, { token: ws.admin.token }), 200);

/** `[approvalStatus, approvalCounts]` of this file's tickets, as GET /tickets lists them. */
async function listed(query = ''): Promise<Record<string, [string | null, unknown]>> {
  const body = expectStatus(await api.get(`/tickets?limit=200${query}`, { token: ws.admin.token }), 200);
  expect(body.nextCursor).toBeNull();
  const mine = new Map(Object.entries(tickets).map(([name, t]) => [t.id, name]));
  return Object.fromEntries(
    body.items
      .filter((t: any) => mine.has(t.id))
      .map((t: any) => [mine.get(t.id), [t.approvalStatus, t.approvalCounts]]),
  );
}

describe(`SPEC §8.1 a ticket's approval status over all its approvals (${engine})`, () => {
  it('§8.1: canceled approvals count for nothing: status null and counts 0 of 0', async () => {
    const a = await adHoc(tickets.onlyCanceled!);
    expect((await listed()).onlyCanceled).toEqual(['pending', { unfinished: 1, total: 1 }]);
    await cancel(a.id);
    expect((await listed()).onlyCanceled).toEqual([null, { unfinished: 0, total: 0 }]);
    expect((await listed()).none).toEqual([null, { unfinished: 0, total: 0 }]);
  });

  it('§8.1: an unfinished approval wins over a finished one, whichever is newer', async () => {
    const pending = await adHoc(tickets.pendingBesideApproved!);
    const approved = await adHoc(tickets.pendingBesideApproved!, [memberRef(a2)]);
    await decide(api, a2, approved.id, 'approve');
    // The latest approval is approved; the older pending one still makes the ticket pending.
    expect((await listed()).pendingBesideApproved).toEqual(['pending', { unfinished: 1, total: 2 }]);
    const ticket = expectStatus(
      await api.get(`/tickets/${tickets.pendingBesideApproved!.id}`, { token: ws.admin.token }),
      200,
    );
    expect([ticket.approvalStatus, ticket.approvalCounts]).toEqual(['pending', { unfinished: 1, total: 2 }]);
    await decide(api, a1, pending.id, 'approve');
    expect((await listed()).pendingBesideApproved).toEqual(['approved', { unfinished: 0, total: 2 }]);
  });

  it('§8.1: with all finished, the one that finished last decides (not the newest)', async () => {
    const older = await adHoc(tickets.approvedLastThoughOlder!);
    const newer = await adHoc(tickets.approvedLastThoughOlder!, [memberRef(a2)]);
    await decide(api, a2, newer.id, 'deny');
    await decide(api, a1, older.id, 'approve');
    expect((await listed()).approvedLastThoughOlder).toEqual(['approved', { unfinished: 0, total: 2 }]);

    const first = await adHoc(tickets.deniedLast!);
    const second = await adHoc(tickets.deniedLast!, [memberRef(a2)]);
    await decide(api, a1, first.id, 'approve');
    await decide(api, a2, second.id, 'deny');
    expect((await listed()).deniedLast).toEqual(['denied', { unfinished: 0, total: 2 }]);
  });

  it('§8.1: partially_approved is more urgent than pending; appeal_pending more than partially_approved', async () => {
    await adHoc(tickets.partialBesidePending!);
    const partial = await adHoc(tickets.partialBesidePending!, [memberRef(a1), memberRef(a2)], {
      type: 'all',
    });
    await decide(api, a1, partial.id, 'approve');
    await adHoc(tickets.partialBesidePending!);
    expect((await listed()).partialBesidePending).toEqual([
      'partially_approved',
      { unfinished: 3, total: 3 },
    ]);

    const toAppeal = await fromTemplate(tickets.appealBesidePartial!, appealable);
    const half = await adHoc(tickets.appealBesidePartial!, [memberRef(a1), memberRef(a2)], { type: 'all' });
    await decide(api, a1, half.id, 'approve');
    await decide(api, a1, toAppeal.id, 'deny');
    expect((await listed()).appealBesidePartial).toEqual(['partially_approved', { unfinished: 1, total: 2 }]);
    expectStatus(
      await api.post(`/approvals/${toAppeal.id}/appeal`, { reason: 'Please' }, { token: ws.admin.token }),
      200,
    );
    expect((await listed()).appealBesidePartial).toEqual(['appeal_pending', { unfinished: 2, total: 2 }]);
  });

  it('§8.6: an appeal decided later is the latest completion', async () => {
    const appealed = await fromTemplate(tickets.appealDecidedLater!, appealable);
    await decide(api, a1, appealed.id, 'deny');
    const other = await adHoc(tickets.appealDecidedLater!, [memberRef(a2)]);
    expectStatus(
      await api.post(`/approvals/${appealed.id}/appeal`, { reason: 'Please' }, { token: ws.admin.token }),
      200,
    );
    await decide(api, a2, other.id, 'approve');
    // The appeal keeps the ticket unfinished even though the other approval finished after it.
    expect((await listed()).appealDecidedLater).toEqual(['appeal_pending', { unfinished: 1, total: 2 }]);
    expectStatus(
      await api.post(
        `/approvals/${appealed.id}/appeal/decisions`,
        { decision: 'deny' },
        { token: reviewer.token },
      ),
      200,
    );
    // Denied on appeal after `other` was approved: the appeal's decision finished last.
    expect((await listed()).appealDecidedLater).toEqual(['denied', { unfinished: 0, total: 2 }]);
  });

  it('§8.1: an approval that expired after another was approved makes the ticket expired', async () => {
    const approved = await adHoc(tickets.expiredLast!);
    await decide(api, a1, approved.id, 'approve');
    await fromTemplate(tickets.expiredLast!, expiring);
    expect((await listed()).expiredLast).toEqual(['pending', { unfinished: 1, total: 2 }]);
    expect(await expireDue(server.database.handle.db, new Date(Date.now() + 2 * 3600_000))).toBe(1);
    expect((await listed()).expiredLast).toEqual(['expired', { unfinished: 0, total: 2 }]);
  });

  it('§8.1: needs_info (an approval status the SQL knows already) is the most urgent of all', async () => {
    const db = server.database.handle.db;
    const t = tickets.needsInfo!;
    const toAppeal = await fromTemplate(t, appealable);
    await decide(api, a1, toAppeal.id, 'deny');
    expectStatus(
      await api.post(`/approvals/${toAppeal.id}/appeal`, { reason: 'Please' }, { token: ws.admin.token }),
      200,
    );
    const asking = await adHoc(t);
    expect((await listed()).needsInfo).toEqual(['appeal_pending', { unfinished: 2, total: 2 }]);
    // Until the core has needs_info (SPEC §8.1), set the status as its command will.
    await sql`UPDATE approvals SET status = 'needs_info', display_status = 'needs_info'
      WHERE workspace_id = ${ws.id} AND id = ${asking.id}`.execute(db);
    await db.transaction().execute((tx) => refreshTicketApprovalStatus(tx, ws.id, t.id));
    expect((await listed()).needsInfo).toEqual(['needs_info', { unfinished: 2, total: 2 }]);
    expect(Object.keys(await listed('&approvalStatus=needs_info'))).toEqual(['needsInfo']);
    expect(Object.keys(await listed('&approvalStatus=unfinished'))).toContain('needsInfo');
  });

  it('§8.6: ?approvalStatus= filters on each value, unfinished and none; the rest is 400', async () => {
    const all = await listed();
    const expected: Record<string, string | null> = {
      none: null,
      onlyCanceled: null,
      pendingBesideApproved: 'approved',
      deniedLast: 'denied',
      approvedLastThoughOlder: 'approved',
      partialBesidePending: 'partially_approved',
      appealBesidePartial: 'appeal_pending',
      appealDecidedLater: 'denied',
      expiredLast: 'expired',
      needsInfo: 'needs_info',
    };
    expect(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v[0]]))).toEqual(expected);
    const named = (want: (name: string) => boolean) => Object.keys(expected).filter(want).sort();
    for (const status of [
      'needs_info',
      'appeal_pending',
      'partially_approved',
      'pending',
      'approved',
      'denied',
      'expired',
    ]) {
      expect(Object.keys(await listed(`&approvalStatus=${status}`)).sort(), status).toEqual(
        named((n) => expected[n] === status),
      );
    }
    expect(Object.keys(await listed('&approvalStatus=none')).sort()).toEqual(
      named((n) => expected[n] === null),
    );
    const unfinished = await listed('&approvalStatus=unfinished');
    expect(Object.keys(unfinished).sort()).toEqual(
      named((n) => ['needs_info', 'appeal_pending', 'partially_approved', 'pending'].includes(expected[n]!)),
    );
    for (const [, counts] of Object.values(unfinished)) {
      expect((counts as { unfinished: number }).unfinished).toBeGreaterThan(0);
    }
    expectProblem(
      await api.get('/tickets?approvalStatus=canceled', { token: ws.admin.token }),
      400,
      'invalid_request',
    );
  });

  it('§8.1: a contact with approvals hidden sees no status and zero counts on their tickets', async () => {
    const body = expectStatus(await api.get('/tickets?limit=200', { token: requester.token }), 200);
    const row = body.items.find((t: any) => t.id === tickets.needsInfo!.id);
    expect([row.approvalStatus, row.approvalCounts]).toEqual([null, { unfinished: 0, total: 0 }]);
    const filtered = expectStatus(
      await api.get('/tickets?approvalStatus=unfinished', { token: requester.token }),
      200,
    );
    expect(filtered.items).toEqual([]);
  });
});
