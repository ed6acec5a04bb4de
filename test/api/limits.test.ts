import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/shared/db/connect.js';
import {
  activityOf,
  contactRef,
  decide,
  expectProblem,
  expectStatus,
  groupRef,
  memberRef,
} from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * Issue 10, items 2, 6 and 7: bounded work per request (the cap on the people one step may
 * resolve to, inserts that stay under the wire protocol's parameter limit), paging of a
 * ticket's messages, and list cursors and limits that are range-checked (400, never 500).
 */

let server: TestServer;
let api: Client;
let db: Db;
let ws: Workspace;
let agent: Person;
let approver: Person;
let customer: Person;

/** `count` contacts made straight in the database (signing 1,000s up through the API takes minutes). */
async function seedContacts(workspaceId: string, count: number, prefix = 'bulk'): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO contacts (workspace_id, id, name, email)
    SELECT ${workspaceId}::uuid, gen_random_uuid(), ${prefix} || ' ' || i, ${prefix} || '-' || i || '-' || gen_random_uuid() || '@example.test'
    FROM generate_series(1, ${count}::int) AS i
    RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}

async function groupOf(contactIds: string[], memberIds: string[] = []) {
  const res = await api.post(
    '/approval-groups',
    { name: `Group ${contactIds.length}`, contactIds, memberIds },
    { token: ws.admin.token },
  );
  return expectStatus(res, 201);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  db = server.database.handle.db;
  ws = await newWorkspace(api, { approvalsEnabled: true });
  agent = await ws.member();
  approver = await ws.member();
  customer = await ws.contact();
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('issue 10 item 7: tampered cursors, limits and ids are 400 or 404, never 500 (SPEC §5)', () => {
  let ticketId: string;
  let approvalId: string;
  let groupId: string;

  beforeAll(async () => {
    ticketId = (await ws.ticket(customer)).id;
    const approval = expectStatus(
      await api.post(
        `/tickets/${ticketId}/approvals`,
        { title: 'Cursor', approvers: [memberRef(approver)] },
        { token: agent.token },
      ),
      201,
    );
    approvalId = approval.id;
    groupId = (await groupOf([customer.id])).id;
  });

  const listPaths = () => [
    '/tickets',
    `/tickets/${ticketId}/approvals`,
    `/tickets/${ticketId}/activity`,
    `/tickets/${ticketId}/messages`,
    '/approval-groups',
    '/approval-templates',
    '/members',
    '/contacts',
    '/outbox/dead',
  ];

  const tampered = [
    b64({ n: 2147483648 }),
    b64({ n: -1 }),
    b64({ n: 1.5 }),
    b64({ s: 2 ** 63 }),
    b64({ s: -5 }),
    b64({ s: '1' }),
    b64({ id: 'not-a-uuid' }),
    b64({ id: "x' OR 1=1" }),
    b64([1, 2]),
    b64(null),
    b64('1'),
    'not base64 at all!',
    '%00',
    '',
  ];

  it('answers 400 invalid_request for every tampered cursor on every list', async () => {
    for (const path of listPaths()) {
      for (const cursor of tampered) {
        const res = await api.get(`${path}?cursor=${encodeURIComponent(cursor)}`, { token: ws.admin.token });
        expect(res.status, `${path} cursor=${cursor}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.code).toBe('invalid_request');
      }
    }
  });

  it('answers 400 for the cursor of the outside review ({"n":2147483648}) on /tickets and /tickets/{id}/approvals', async () => {
    const cursor = Buffer.from('{"n":2147483648}').toString('base64');
    for (const path of ['/tickets', `/tickets/${ticketId}/approvals`]) {
      expectProblem(
        await api.get(`${path}?cursor=${cursor}`, { token: agent.token }),
        400,
        'invalid_request',
      );
    }
  });

  it('answers 400 for a limit out of range or not a whole number', async () => {
    for (const path of listPaths()) {
      for (const limit of ['0', '201', '-1', 'abc', '1.5', '1e3', '99999999999999999999']) {
        const res = await api.get(`${path}?limit=${limit}`, { token: ws.admin.token });
        expect(res.status, `${path} limit=${limit}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.code).toBe('invalid_request');
      }
    }
  });

  it('answers 404 for an id that is not a UUID, on every :id route that reads', async () => {
    const bad = ['nope', '1', '00000000-0000-0000-0000-00000000000g', "x'--"];
    for (const id of bad) {
      for (const path of [
        `/tickets/${id}`,
        `/tickets/${id}/messages`,
        `/tickets/${id}/activity`,
        `/tickets/${id}/approvals`,
        `/approvals/${id}`,
        `/approval-groups/${id}`,
        `/approval-templates/${id}`,
      ]) {
        const res = await api.get(path, { token: ws.admin.token });
        expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(404);
      }
    }
    // Sanity: the real ones answer.
    expectStatus(await api.get(`/approvals/${approvalId}`, { token: ws.admin.token }), 200);
    expectStatus(await api.get(`/approval-groups/${groupId}`, { token: ws.admin.token }), 200);
  });

  it('still pages with the cursors it hands out', async () => {
    for (let i = 0; i < 3; i++) await ws.ticket(customer);
    const first = expectStatus(await api.get('/tickets?limit=2', { token: agent.token }), 200);
    expect(first.nextCursor).not.toBeNull();
    const second = expectStatus(
      await api.get(`/tickets?limit=2&cursor=${first.nextCursor}`, { token: agent.token }),
      200,
    );
    expect(second.items[0].number).toBeLessThan(first.items[1].number);
  });
});

describe('issue 10 item 6: a ticket shows all its messages, newest first, page by page', () => {
  const OLD = 520;
  let ticketId: string;
  let newest: { id: string };

  beforeAll(async () => {
    ticketId = (await ws.ticket(customer)).id;
    // 520 older messages (every third internal), then the customer's newest reply through the API.
    await sql`
      INSERT INTO ticket_messages (workspace_id, id, ticket_id, author_type, author_id, body, public, created_at)
      SELECT ${ws.id}::uuid, gen_random_uuid(), ${ticketId}::uuid, 'member', ${agent.id}::uuid,
        'Old message ' || i, i % 3 <> 0, now() - make_interval(secs => ${OLD}::int - i + 1)
      FROM generate_series(1, ${OLD}::int) AS i`.execute(db);
    newest = expectStatus(
      await api.post(
        `/tickets/${ticketId}/messages`,
        { body: 'The newest customer reply', public: true },
        { token: customer.token },
      ),
      201,
    );
  });

  /** Every page of GET /tickets/{id}/messages as `who` sees it, until `nextCursor` is null. */
  async function everyMessage(who: Person): Promise<{ id: string; body: string; public: boolean }[]> {
    const seen = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await api.get(`/tickets/${ticketId}/messages?limit=200${query}`, { token: who.token });
      const body = expectStatus(res, 200);
      seen.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return seen;
    }
    throw new Error('more than 10 pages of 200 messages');
  }

  it('GET /tickets/{id} shows the newest message and a cursor to older ones (no hidden cap)', async () => {
    const ticket = expectStatus(await api.get(`/tickets/${ticketId}`, { token: agent.token }), 200);
    expect(ticket.messages.at(-1).id).toBe(newest.id);
    expect(ticket.messages.at(-1).author.name).toBe(customer.name);
    expect(ticket.messages.length).toBeLessThanOrEqual(50);
    expect(typeof ticket.messagesNextCursor).toBe('string');
    // The cursor carries on where the embedded page stops.
    const older = expectStatus(
      await api.get(`/tickets/${ticketId}/messages?cursor=${ticket.messagesNextCursor}&limit=1`, {
        token: agent.token,
      }),
      200,
    );
    expect(older.items[0].body).toBe(`Old message ${OLD - ticket.messages.length + 1}`);
  });

  it('GET /tickets/{id}/messages pages through every message past 500, newest first, once each', async () => {
    const seen = await everyMessage(agent);
    // The creating message of the ticket, the 520 old ones and the newest reply.
    expect(seen.length).toBe(OLD + 2);
    expect(new Set(seen.map((m) => m.id)).size).toBe(seen.length);
    expect(seen[0]!.id).toBe(newest.id);
    expect(seen[1]!.body).toBe(`Old message ${OLD}`);
    expect(seen.at(-2)!.body).toBe('Old message 1');
  });

  it('a contact pages through public messages only', async () => {
    const seen = await everyMessage(customer);
    expect(seen.every((m) => m.public)).toBe(true);
    expect(seen.length).toBe(OLD - Math.floor(OLD / 3) + 2);
  });

  it("another workspace's ticket is 404", async () => {
    const other = await newWorkspace(api);
    expectProblem(
      await api.get(`/tickets/${ticketId}/messages`, { token: other.admin.token }),
      404,
      'not_found',
    );
  });
});

describe('issue 10 item 2: the people one step may resolve to are capped (maxApproversPerStep)', () => {
  it('defaults to 500, and admins may set it between 1 and 2,000', async () => {
    const settings = expectStatus(await api.get('/settings', { token: ws.admin.token }), 200);
    expect(settings.maxApproversPerStep).toBe(500);
    for (const bad of [0, 2001, 1.5, '10']) {
      const res = await api.patch('/settings', { maxApproversPerStep: bad }, { token: ws.admin.token });
      expectProblem(res, 400, 'invalid_request');
    }
  });

  it('a step of exactly the cap, through group members and contacts, is created (batched inserts)', async () => {
    const contacts = await seedContacts(ws.id, 499, 'exact');
    const group = await groupOf(contacts, [approver.id]);
    const ticket = await ws.ticket(customer);
    const approval = expectStatus(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Exactly the cap', approvers: [groupRef(group)] },
        { token: agent.token },
      ),
      201,
    );
    expect(approval.steps[0].approvers).toHaveLength(500);
  });

  it('one more than the cap is 400 invalid_request saying the count, and writes nothing', async () => {
    const contacts = await seedContacts(ws.id, 501, 'over');
    const group = await groupOf(contacts);
    const ticket = await ws.ticket(customer);
    const before = await db
      .selectFrom('approvals')
      .select(db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Too many', approvers: [groupRef(group)] },
      { token: agent.token },
    );
    expectProblem(res, 400, 'invalid_request');
    expect(res.body.detail).toContain('501');
    expect(res.body.detail).toContain('500');
    expect(res.body.errors[0].field).toBe('approvers');
    const after = await db.selectFrom('approvals').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('ten groups of 1,000 contacts on one ad hoc request is a quick 400, not a 500', async () => {
    const groups = [];
    for (let g = 0; g < 10; g++) groups.push(await groupOf(await seedContacts(ws.id, 1000, `ten${g}`)));
    const ticket = await ws.ticket(customer);
    const started = Date.now();
    const res = await api.post(
      `/tickets/${ticket.id}/approvals`,
      { title: 'Ten thousand', approvers: groups.map(groupRef) },
      { token: agent.token },
    );
    expectProblem(res, 400, 'invalid_request');
    expect(res.body.detail).toContain('10000');
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 120_000);

  it('2,000 people (the largest cap) on one step, with their emails: rows travel as one parameter per table', async () => {
    // Five groups of 400 contacts, on the largest cap a workspace may choose.
    await ws.settings({ maxApproversPerStep: 2000, contactApprovalEmails: true });
    try {
      const groups = [];
      for (let g = 0; g < 5; g++) groups.push(await groupOf(await seedContacts(ws.id, 400, `batch${g}`)));
      const ticket = await ws.ticket(customer);
      const approval = expectStatus(
        await api.post(
          `/tickets/${ticket.id}/approvals`,
          { title: 'Two thousand', approvers: groups.map(groupRef) },
          { token: agent.token },
        ),
        201,
      );
      expect(approval.steps[0].approvers).toHaveLength(2000);
      const emails = await db
        .selectFrom('outbox')
        .select(db.fn.countAll().as('n'))
        .where('approval_id', '=', approval.id)
        .executeTakeFirstOrThrow();
      expect(Number(emails.n)).toBe(2000);
    } finally {
      await ws.settings({ maxApproversPerStep: 500, contactApprovalEmails: false });
    }
  }, 120_000);

  it('edit recipients above the cap is 400 saying the count', async () => {
    await ws.settings({ maxApproversPerStep: 3 });
    try {
      const ticket = await ws.ticket(customer);
      const approval = expectStatus(
        await api.post(
          `/tickets/${ticket.id}/approvals`,
          { title: 'Small', approvers: [memberRef(approver), memberRef(agent)] },
          { token: agent.token },
        ),
        201,
      );
      const extra = await seedContacts(ws.id, 2, 'edit');
      const res = await api.patch(
        `/approvals/${approval.id}/recipients`,
        { add: extra.map((id) => contactRef({ id })) },
        { token: agent.token },
      );
      expectProblem(res, 400, 'invalid_request');
      expect(res.body.detail).toContain('4');
      expect(res.body.detail).toContain('3');
      // Up to the cap is fine.
      expectStatus(
        await api.patch(
          `/approvals/${approval.id}/recipients`,
          { add: [contactRef({ id: extra[0]! })] },
          { token: agent.token },
        ),
        200,
      );
    } finally {
      await ws.settings({ maxApproversPerStep: 500 });
    }
  });

  it('a template step over the cap is refused at request time; a later step that grew past it starts with the first people and says so', async () => {
    await ws.settings({ maxApproversPerStep: 3 });
    try {
      const growing = await groupOf(await seedContacts(ws.id, 3, 'later'));
      const tooBig = await groupOf(await seedContacts(ws.id, 4, 'big'));
      const template = (steps: unknown[]) =>
        api.post('/approval-templates', { name: `T ${Math.random()}`, steps }, { token: ws.admin.token });
      const first = { name: 'First', approvers: [memberRef(approver)], rule: { type: 'any' } };
      const refused = expectStatus(
        await template([first, { name: 'Big', approvers: [groupRef(tooBig)], rule: { type: 'any' } }]),
        201,
      );
      const ticket = await ws.ticket(customer);
      const res = await api.post(
        `/tickets/${ticket.id}/approvals`,
        { templateId: refused.id },
        { token: agent.token },
      );
      expectProblem(res, 400, 'invalid_request');
      expect(res.body.detail).toContain('4');
      expect(res.body.errors[0].field).toBe('steps[1].approvers');

      const later = expectStatus(
        await template([first, { name: 'Later', approvers: [groupRef(growing)], rule: { type: 'all' } }]),
        201,
      );
      const approval = expectStatus(
        await api.post(`/tickets/${ticket.id}/approvals`, { templateId: later.id }, { token: agent.token }),
        201,
      );
      // The group grows past the cap before its step starts.
      const grown = [...(await seedContacts(ws.id, 2, 'grown')), ...growing.contactIds];
      expectStatus(
        await api.patch(`/approval-groups/${growing.id}`, { contactIds: grown }, { token: ws.admin.token }),
        200,
      );
      const after = await decide(api, approver, approval.id, 'approve');
      expect(after.currentStepIndex).toBe(1);
      expect(after.steps[1].approvers).toHaveLength(3);
      const started = (await activityOf(api, agent.token, ticket.id, approval.id)).filter(
        (a) => a.type === 'step_started' && a.data.stepIndex === 1,
      );
      expect(started[0].data.leftOut).toBe(2);
    } finally {
      await ws.settings({ maxApproversPerStep: 500 });
    }
  });
});

describe('issue 10 item 2: groups with many people', () => {
  it('a group of 1,000 members and 2,000 contacts (the most) is created and edited on one request', async () => {
    const contacts = await seedContacts(ws.id, 2000, 'grp');
    const { rows } = await sql<{ id: string }>`
      INSERT INTO members (workspace_id, id, name, email, role)
      SELECT ${ws.id}::uuid, gen_random_uuid(), 'Member ' || i, 'gm-' || i || '-' || gen_random_uuid() || '@example.test', 'agent'
      FROM generate_series(1, 1000) AS i
      RETURNING id`.execute(db);
    const memberIds = rows.map((r) => r.id);
    const group = await groupOf(contacts, memberIds);
    expect(group.memberIds).toHaveLength(1000);
    expect(group.contactIds).toHaveLength(2000);
    const edited = expectStatus(
      await api.patch(
        `/approval-groups/${group.id}`,
        { contactIds: contacts.slice(0, 1500), memberIds: memberIds.slice(0, 10) },
        { token: ws.admin.token },
      ),
      200,
    );
    expect(edited.contactIds).toHaveLength(1500);
    expect(edited.memberIds).toHaveLength(10);
    expectProblem(
      await api.post(
        '/approval-groups',
        { name: 'Too big', contactIds: [...contacts, memberIds[0]] },
        { token: ws.admin.token },
      ),
      400,
      'invalid_request',
    );
  }, 120_000);
});
