import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, expectProblem, expectStatus, memberRef, requestApproval } from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC §8.3 "Finding work" and §8.6 (issue 15 item 2): full-text search, filters, sorts, saved views
 * and their counts, PATCH of priority, tags and contacts (CC), bulk updates with one result per ticket.
 */

let server: TestServer;
let api: Client;
let ws: Workspace;
let agent: Person;
let approver: Person;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, { approvalsEnabled: true });
  [agent, approver] = await Promise.all([ws.member(), ws.member()]);
  [alice, bob] = await Promise.all([ws.contact('Alice Zephyrine'), ws.contact('Bob Quillfeather')]);
});
afterAll(() => server?.close());

const as = (p: Person) => ({ token: p.token });

async function newTicket(by: Person, body: Record<string, unknown>) {
  return expectStatus(
    await api.post(
      '/tickets',
      { subject: 'A ticket', body: 'Hello.', requesterId: alice.id, ...body },
      as(by),
    ),
    201,
  );
}

async function say(by: Person, ticketId: string, body: string, isPublic = true) {
  expectStatus(await api.post(`/tickets/${ticketId}/messages`, { body, public: isPublic }, as(by)), 201);
}

async function list(by: Person, query: string): Promise<any[]> {
  return expectStatus(await api.get(`/tickets?${query}`, as(by)), 200).items;
}

const numbers = (items: any[]) => items.map((t) => t.number);

/** Every page of a list with `limit=1`, following the cursors. */
async function allPages(by: Person, query: string): Promise<number[]> {
  const out: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page: any = expectStatus(
      await api.get(`/tickets?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, as(by)),
      200,
    );
    out.push(...numbers(page.items));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

describe(`SPEC §8.3 full-text search (${engine})`, () => {
  let subjectHit: any;
  let bodyHit: any;
  let customerWord: any;
  let internal: any;

  beforeAll(async () => {
    bodyHit = await newTicket(ws.admin, {
      subject: 'Screen flickers',
      body: 'The marmalade monitor blinks.',
    });
    subjectHit = await newTicket(ws.admin, { subject: 'Marmalade order stuck', body: 'Nothing happens.' });
    customerWord = await newTicket(ws.admin, { subject: 'Login trouble', requesterId: bob.id });
    await say(bob, customerWord.id, 'My keyboard writes zanzibarite everywhere');
    internal = await newTicket(ws.admin, { subject: 'VPN', requesterId: bob.id });
    await say(agent, internal.id, 'Internal: bob asked about quorvexian licences', false);
  });

  it('ranks a subject hit above a message-body hit (SPEC §8.3 ranked)', async () => {
    const items = await list(agent, 'q=marmalade');
    expect(numbers(items)).toEqual([subjectHit.number, bodyHit.number]);
  });

  it("finds a ticket by a word only in a customer's message (SPEC §8.3 messages)", async () => {
    expect(numbers(await list(agent, 'q=zanzibarite'))).toEqual([customerWord.number]);
  });

  it("finds tickets by the requester's email and name (SPEC §8.3 requester name/email)", async () => {
    const byEmail = numbers(await list(agent, `q=${encodeURIComponent(bob.email)}`));
    expect(byEmail).toEqual([internal.number, customerWord.number]);
    expect(numbers(await list(agent, 'q=Quillfeather'))).toEqual([internal.number, customerWord.number]);
  });

  it('finds words by their beginning (the last word typed) and combines words with AND', async () => {
    expect(numbers(await list(agent, 'q=zanzib'))).toEqual([customerWord.number]);
    expect(numbers(await list(agent, 'q=marmalade%20monitor'))).toEqual([bodyHit.number]);
    expect(await list(agent, 'q=marmalade%20-monitor')).toHaveLength(1);
  });

  it('a subject edit is searchable at once (the vector follows the ticket)', async () => {
    expectStatus(await api.patch(`/tickets/${bodyHit.id}`, { subject: 'Gloriously broken' }, as(agent)), 200);
    expect(numbers(await list(agent, 'q=gloriously'))).toEqual([bodyHit.number]);
    // Its message still finds it.
    expect(numbers(await list(agent, 'q=marmalade'))).toEqual([subjectHit.number, bodyHit.number]);
  });

  it('internal notes are searched by members, never by contacts (SPEC §2 private messages)', async () => {
    expect(numbers(await list(agent, 'q=quorvexian'))).toEqual([internal.number]);
    expect(await list(bob, 'q=quorvexian')).toEqual([]);
    // A contact searches their own tickets' public messages.
    expect(numbers(await list(bob, 'q=zanzibarite'))).toEqual([customerWord.number]);
    expect(await list(alice, 'q=zanzibarite')).toEqual([]);
  });

  it('a search with a sort is sorted, not ranked; ranked pages follow one another', async () => {
    const sorted = numbers(await list(agent, 'q=marmalade&sort=created&order=asc'));
    expect(sorted).toEqual([bodyHit.number, subjectHit.number]);
    expect(await allPages(agent, 'q=marmalade')).toEqual([subjectHit.number, bodyHit.number]);
  });

  it('a search with nothing to look for finds nothing (no error)', async () => {
    expect(await list(agent, 'q=%21%21%21')).toEqual([]);
  });
});

describe(`SPEC §8.3 filters, sorts and views (${engine})`, () => {
  let fw: Workspace;
  let me: Person;
  let other: Person;
  let customer: Person;
  const t: Record<string, any> = {};

  beforeAll(async () => {
    fw = await newWorkspace(api, { approvalsEnabled: true });
    [me, other] = await Promise.all([fw.member(), fw.member()]);
    customer = await fw.contact();
    const make = async (name: string, patch: Record<string, unknown>) => {
      const created = expectStatus(
        await api.post(
          '/tickets',
          { subject: name, body: 'Body.', requesterId: customer.id },
          { token: fw.admin.token },
        ),
        201,
      );
      t[name] = Object.keys(patch).length
        ? expectStatus(await api.patch(`/tickets/${created.id}`, patch, { token: fw.admin.token }), 200)
        : created;
    };
    // In creation order (numbers 1…6).
    await make('mineUrgent', { assigneeId: me.id, priority: 'urgent', tags: ['vip', 'billing'] });
    await make('otherLow', { assigneeId: other.id, priority: 'low', tags: ['billing'] });
    await make('unassignedHigh', { priority: 'high' });
    await make('mineSolved', { assigneeId: me.id, status: 'solved' });
    await make('unassignedPending', { status: 'pending', tags: ['vip'] });
    await make('needsMe', {});
    await requestApproval(api, fw.admin, t.needsMe.id, { title: 'OK?', approvers: [memberRef(me)] });
    // The last update: mineUrgent becomes the most recently updated.
    t.mineUrgent = expectStatus(
      await api.patch(`/tickets/${t.mineUrgent.id}`, { subject: 'mineUrgent!' }, { token: fw.admin.token }),
      200,
    );
  });

  const names = (items: any[]) => items.map((i) => Object.entries(t).find(([, v]) => v.id === i.id)?.[0]);

  it('filters by status, assignee (me, none, an id), priority and tag (SPEC §8.3)', async () => {
    expect(names(await list(me, 'status=solved'))).toEqual(['mineSolved']);
    expect(names(await list(me, 'assigneeId=me'))).toEqual(['mineSolved', 'mineUrgent']);
    expect(names(await list(me, 'assigneeId=none'))).toEqual([
      'needsMe',
      'unassignedPending',
      'unassignedHigh',
    ]);
    expect(names(await list(me, `assigneeId=${other.id.toUpperCase()}`))).toEqual(['otherLow']);
    expect(names(await list(me, 'priority=urgent'))).toEqual(['mineUrgent']);
    expect(names(await list(me, 'tag=vip'))).toEqual(['unassignedPending', 'mineUrgent']);
    expect(names(await list(me, 'tag=VIP&assigneeId=me'))).toEqual(['mineUrgent']);
  });

  it('sorts by created, updated and priority, both orders (SPEC §8.3 sort, order)', async () => {
    const all = ['mineUrgent', 'otherLow', 'unassignedHigh', 'mineSolved', 'unassignedPending', 'needsMe'];
    expect(names(await list(me, 'sort=created&order=asc'))).toEqual(all);
    expect(names(await list(me, ''))).toEqual([...all].reverse());
    const updatedDesc = names(await list(me, 'sort=updated'));
    expect(updatedDesc[0]).toBe('mineUrgent');
    expect(names(await list(me, 'sort=updated&order=asc'))).toEqual([...updatedDesc].reverse());
    // SPEC §8.6: order=desc is most urgent first; ties newest first.
    expect(names(await list(me, 'sort=priority'))).toEqual([
      'mineUrgent',
      'unassignedHigh',
      'needsMe',
      'unassignedPending',
      'mineSolved',
      'otherLow',
    ]);
    expect(names(await list(me, 'sort=priority&order=asc'))).toEqual([
      'otherLow',
      'mineSolved',
      'unassignedPending',
      'needsMe',
      'unassignedHigh',
      'mineUrgent',
    ]);
  });

  it('cursors follow each sort, page after page (SPEC §8.3 with cursor pagination)', async () => {
    for (const query of [
      'sort=created',
      'sort=created&order=asc',
      'sort=updated',
      'sort=updated&order=asc',
      'sort=priority',
      'sort=priority&order=asc',
      'sort=priority&tag=billing',
    ]) {
      expect(await allPages(me, query), query).toEqual(numbers(await list(me, query)));
    }
    const first = expectStatus(await api.get('/tickets?sort=updated&limit=1', as(me)), 200);
    expectProblem(
      await api.get(`/tickets?sort=priority&cursor=${first.nextCursor}`, as(me)),
      400,
      'invalid_request',
    );
    expectProblem(await api.get('/tickets?cursor=bm9wZQ', as(me)), 400, 'invalid_request');
  });

  it('applies the saved views, for the member who asks (SPEC §8.3 saved views)', async () => {
    expect(names(await list(me, 'view=mine'))).toEqual(['mineUrgent']);
    expect(names(await list(me, 'view=unassigned'))).toEqual([
      'needsMe',
      'unassignedPending',
      'unassignedHigh',
    ]);
    expect(names(await list(me, 'view=awaiting_approval'))).toEqual(['needsMe']);
    expect(names(await list(me, 'view=needs_my_approval'))).toEqual(['needsMe']);
    expect(names(await list(other, 'view=needs_my_approval'))).toEqual([]);
    expect(names(await list(me, 'view=all_open'))).toEqual([
      'needsMe',
      'unassignedPending',
      'unassignedHigh',
      'otherLow',
      'mineUrgent',
    ]);
    expect(names(await list(me, 'view=solved'))).toEqual(['mineSolved']);
    // Combined with the other filters.
    expect(names(await list(me, 'view=unassigned&priority=high'))).toEqual(['unassignedHigh']);
  });

  it('counts every view in its order (SPEC §8.3 views with counts)', async () => {
    const counts = (body: any) => Object.fromEntries(body.views.map((v: any) => [v.id, v.count]));
    const mine = expectStatus(await api.get('/tickets/views', as(me)), 200);
    expect(mine.views.map((v: any) => v.id)).toEqual([
      'mine',
      'unassigned',
      'awaiting_approval',
      'needs_my_approval',
      'all_open',
      'solved',
    ]);
    expect(counts(mine)).toEqual({
      mine: 1,
      unassigned: 3,
      awaiting_approval: 1,
      needs_my_approval: 1,
      all_open: 5,
      solved: 1,
    });
    expect(counts(expectStatus(await api.get('/tickets/views', as(other)), 200))).toMatchObject({
      mine: 1,
      needs_my_approval: 0,
    });
  });

  it('needs_my_approval leaves out an approval the member has answered (as /me/approval-tasks does)', async () => {
    const ticket = expectStatus(
      await api.post(
        '/tickets',
        { subject: 'decidedByMe', body: 'Body.', requesterId: customer.id },
        { token: fw.admin.token },
      ),
      201,
    );
    const approval = await requestApproval(api, fw.admin, ticket.id, {
      title: 'Both?',
      approvers: [memberRef(me), memberRef(other)],
      rule: { type: 'all' },
    });
    await decide(api, me, approval.id, 'approve');
    const ids = async (p: Person) => (await list(p, 'view=needs_my_approval')).map((i) => i.id);
    expect(await ids(me)).toEqual([t.needsMe.id]);
    expect(await ids(other)).toEqual([ticket.id]);
    const tasks = expectStatus(await api.get('/me/approval-tasks', as(other)), 200);
    expect(tasks.awaitingMe.map((a: any) => a.id)).toEqual([approval.id]);
  });

  it("views are the members' own: a contact gets 403 members_only (SPEC §8.3, decisions.md)", async () => {
    expectProblem(await api.get('/tickets?view=mine', as(customer)), 403, 'members_only');
    expectProblem(await api.get('/tickets/views', as(customer)), 403, 'members_only');
  });

  it('rejects unknown filter values with 400 problem+json', async () => {
    for (const query of [
      'priority=extreme',
      'view=everything',
      'sort=subject',
      'order=up',
      'assigneeId=someone',
      'tag=a%20b',
    ]) {
      expectProblem(await api.get(`/tickets?${query}`, as(me)), 400, 'invalid_request');
    }
  });
});

describe(`SPEC §8.3 PATCH /tickets/{id}: priority, tags, contacts (${engine})`, () => {
  it('sets priority, tags and the CC list, each change in the activity, updatedAt bumped', async () => {
    const ticket = await newTicket(ws.admin, { subject: 'Patch me', contactIds: [bob.id] });
    expect(ticket.priority).toBe('normal');
    expect(ticket.tags).toEqual([]);
    const carol = await ws.contact();
    const updated = expectStatus(
      await api.patch(
        `/tickets/${ticket.id}`,
        { priority: 'high', tags: [' Billing ', 'vip', 'billing'], contactIds: [carol.id] },
        as(agent),
      ),
      200,
    );
    expect(updated).toMatchObject({ priority: 'high', tags: ['billing', 'vip'], contactIds: [carol.id] });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThan(new Date(ticket.updatedAt).getTime());
    // SPEC §8.6: contactIds replaces the list; bob lost his access, carol has it.
    expectStatus(await api.get(`/tickets/${ticket.id}`, as(carol)), 200);
    expectProblem(await api.get(`/tickets/${ticket.id}`, as(bob)), 404, 'not_found');
    const activity = expectStatus(await api.get(`/tickets/${ticket.id}/activity`, as(agent)), 200).items;
    const entry = activity.filter((a: any) => a.type === 'ticket_updated').at(-1);
    expect(entry.data).toEqual({ priority: 'high', tags: ['billing', 'vip'], contactIds: [carol.id] });
    expect(entry.actor).toMatchObject({ type: 'member', id: agent.id });
    // Nothing differs: no new activity line.
    expectStatus(
      await api.patch(`/tickets/${ticket.id}`, { priority: 'high', tags: ['billing', 'vip'] }, as(agent)),
      200,
    );
    const after = expectStatus(await api.get(`/tickets/${ticket.id}/activity`, as(agent)), 200).items;
    expect(after).toHaveLength(activity.length);
    // An empty list clears the CC.
    expect(
      expectStatus(await api.patch(`/tickets/${ticket.id}`, { contactIds: [] }, as(agent)), 200).contactIds,
    ).toEqual([]);
  });

  it('bad input is 400 problem+json, an unknown contact 404, and nothing is half-written', async () => {
    const ticket = await newTicket(ws.admin, { subject: 'Keep me' });
    for (const body of [
      { priority: 'extreme' },
      { tags: ['two words'] },
      { tags: ['\u200b\u200c\u200d\ufeff'] },
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { contactIds: ['not-an-id'] },
      { priority: 'high', color: 'red' },
    ]) {
      expectProblem(await api.patch(`/tickets/${ticket.id}`, body, as(agent)), 400, 'invalid_request');
    }
    // A member is no contact: the whole change is refused, the priority too.
    expectProblem(
      await api.patch(`/tickets/${ticket.id}`, { priority: 'urgent', contactIds: [agent.id] }, as(agent)),
      404,
      'not_found',
    );
    const now = expectStatus(await api.get(`/tickets/${ticket.id}`, as(agent)), 200);
    expect(now).toMatchObject({ priority: 'normal', tags: [], contactIds: [] });
    expect(now.updatedAt).toBe(ticket.updatedAt);
    expectProblem(
      await api.patch(`/tickets/${ticket.id}`, { priority: 'low' }, as(alice)),
      403,
      'members_only',
    );
  });
});

describe(`SPEC §8.3/§8.6 POST /tickets/bulk (${engine})`, () => {
  it('answers one result per id in request order; unknown ids are 404 and the others applied', async () => {
    const a = await newTicket(ws.admin, { subject: 'Bulk A' });
    const b = await newTicket(ws.admin, { subject: 'Bulk B' });
    expectStatus(await api.patch(`/tickets/${b.id}`, { tags: ['old'] }, as(agent)), 200);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const body = expectStatus(
      await api.post(
        '/tickets/bulk',
        { ids: [a.id, unknown, b.id], set: { assigneeId: agent.id, priority: 'urgent', addTags: ['VIP'] } },
        as(agent),
      ),
      200,
    );
    expect(body.results).toEqual([
      { id: a.id, ok: true, status: 200 },
      { id: unknown, ok: false, status: 404, code: 'not_found' },
      { id: b.id, ok: true, status: 200 },
    ]);
    const [ra, rb] = await Promise.all(
      [a, b].map(async (t) => expectStatus(await api.get(`/tickets/${t.id}`, as(agent)), 200)),
    );
    expect(ra).toMatchObject({ assigneeId: agent.id, priority: 'urgent', tags: ['vip'] });
    expect(rb).toMatchObject({ assigneeId: agent.id, priority: 'urgent', tags: ['old', 'vip'] });
    // The same activity line as PATCH.
    const activity = expectStatus(await api.get(`/tickets/${b.id}/activity`, as(agent)), 200).items;
    expect(activity.at(-1)).toMatchObject({
      type: 'ticket_updated',
      data: { assigneeId: agent.id, priority: 'urgent', tags: ['old', 'vip'] },
    });
  });

  it("maps each ticket's own error to its status and code (rule 10: 409 approval_pending)", async () => {
    const free = await newTicket(ws.admin, { subject: 'Free' });
    const waiting = await newTicket(ws.admin, { subject: 'Waiting' });
    await requestApproval(api, ws.admin, waiting.id, { title: 'OK?', approvers: [memberRef(approver)] });
    const body = expectStatus(
      await api.post('/tickets/bulk', { ids: [waiting.id, free.id], set: { status: 'solved' } }, as(agent)),
      200,
    );
    expect(body.results).toEqual([
      { id: waiting.id, ok: false, status: 409, code: 'approval_pending' },
      { id: free.id, ok: true, status: 200 },
    ]);
    expect(expectStatus(await api.get(`/tickets/${waiting.id}`, as(agent)), 200).status).toBe('open');
  });

  it('bad input is 400 problem+json for the request (an unknown assignee 404) and no ticket changes', async () => {
    const ticket = await newTicket(ws.admin, { subject: 'Untouched' });
    for (const body of [
      { ids: [ticket.id], set: {} },
      { ids: [], set: { priority: 'low' } },
      { ids: ['nope'], set: { priority: 'low' } },
      { ids: [ticket.id], set: { priority: 'extreme' } },
      { ids: [ticket.id], set: { tags: ['x'] } },
    ]) {
      expectProblem(await api.post('/tickets/bulk', body, as(agent)), 400, 'invalid_request');
    }
    // An assignee who is no member of the workspace fails for every ticket alike: 404 as in PATCH.
    expectProblem(
      await api.post(
        '/tickets/bulk',
        { ids: [ticket.id], set: { priority: 'low', assigneeId: alice.id } },
        as(agent),
      ),
      404,
      'not_found',
    );
    const now = expectStatus(await api.get(`/tickets/${ticket.id}`, as(agent)), 200);
    expect(now).toMatchObject({ priority: 'normal', assigneeId: null, updatedAt: ticket.updatedAt });
    expectProblem(
      await api.post('/tickets/bulk', { ids: [ticket.id], set: { priority: 'low' } }, as(alice)),
      403,
      'members_only',
    );
  });
});
