import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/** SPEC §5: bad input is a 4xx problem with a stable code, and writes nothing. */

let server: TestServer;
let api: Client;
let ws: Workspace;
let other: Workspace;
let agent: Person;
let approver: Person;
let customer: Person;
let ticket: { id: string; number: number };
let approvalId: string;
let deniedId: string;
let otherTicket: { id: string };
let otherApprovalId: string;
let otherMember: Person;
let otherContact: Person;
let otherTemplateId: string;
let otherGroupId: string;

const TABLES = [
  'workspaces',
  'members',
  'contacts',
  'tickets',
  'ticket_contacts',
  'ticket_messages',
  'approval_groups',
  'approval_group_members',
  'approval_group_contacts',
  'approval_templates',
  'approvals',
  'approval_assignments',
  'approval_comments',
  'activities',
  'outbox',
  'idempotency_keys',
] as const;

/** Row counts of every table a request could write, and the workspaces' settings, in one query. */
async function snapshot(): Promise<Record<string, unknown>> {
  const counts = sql.join(
    TABLES.map((t) => sql`(select count(*)::int from ${sql.table(t)}) as ${sql.ref(t)}`),
    sql`, `,
  );
  const { rows } = await sql<Record<string, unknown>>`select ${counts},
    (select string_agg(id || ':' || name || ':' || settings::text, '|' order by id) from workspaces) as settings`.execute(
    server.database.handle.db,
  );
  return rows[0]!;
}

function expectProblem(res: Response, status: number, code: string) {
  const detail = JSON.stringify(res.body);
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  expect(res.body.code, detail).toBe(code);
  expect(res.body.status, detail).toBe(status);
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.type).toBe('string');
}

/** Runs `call`, expects the problem, and checks that no table changed. */
async function rejected(call: () => Promise<Response>, status: number, code: string): Promise<Response> {
  const before = await snapshot();
  const res = await call();
  expectProblem(res, status, code);
  expect(await snapshot()).toEqual(before);
  return res;
}

const fields = (res: Response): string[] => (res.body.errors ?? []).map((e: { field: string }) => e.field);

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api, { approvalsEnabled: true, appealsEnabled: true });
  agent = await ws.member();
  approver = await ws.member();
  customer = await ws.contact();
  ticket = await ws.ticket(customer);
  const created = await api.post(
    `/tickets/${ticket.id}/approvals`,
    { title: 'Buy a laptop', approvers: [{ type: 'member', id: approver.id }] },
    { token: agent.token },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  approvalId = created.body.id;

  // A denied approval from a template that allows appeals.
  const template = await api.post(
    '/approval-templates',
    {
      name: 'Hardware',
      allowAppeals: true,
      appealReviewers: [{ type: 'member', id: ws.admin.id }],
      steps: [{ name: 'Manager', approvers: [{ type: 'member', id: approver.id }], rule: { type: 'any' } }],
    },
    { token: ws.admin.token },
  );
  expect(template.status, JSON.stringify(template.body)).toBe(201);
  const second = await ws.ticket(customer);
  const fromTemplate = await api.post(
    `/tickets/${second.id}/approvals`,
    { templateId: template.body.id },
    { token: agent.token },
  );
  expect(fromTemplate.status, JSON.stringify(fromTemplate.body)).toBe(201);
  deniedId = fromTemplate.body.id;
  const denied = await api.post(
    `/approvals/${deniedId}/decisions`,
    { decision: 'deny' },
    { token: approver.token },
  );
  expect(denied.body.status).toBe('denied');

  other = await newWorkspace(api);
  otherMember = await other.member();
  otherContact = await other.contact();
  otherTicket = await other.ticket(otherContact);
  const oa = await api.post(
    `/tickets/${otherTicket.id}/approvals`,
    { title: 'Theirs', approvers: [{ type: 'member', id: otherMember.id }] },
    { token: other.admin.token },
  );
  expect(oa.status).toBe(201);
  otherApprovalId = oa.body.id;
  const ot = await api.post(
    '/approval-templates',
    {
      name: 'Theirs',
      steps: [{ name: 'S', approvers: [{ type: 'member', id: otherMember.id }], rule: { type: 'any' } }],
    },
    { token: other.admin.token },
  );
  expect(ot.status).toBe(201);
  otherTemplateId = ot.body.id;
  const og = await api.post(
    '/approval-groups',
    { name: 'Theirs', memberIds: [otherMember.id] },
    { token: other.admin.token },
  );
  expect(og.status).toBe(201);
  otherGroupId = og.body.id;
});
afterAll(() => server?.close());

describe(`bad input (${engine})`, () => {
  describe('malformed bodies', () => {
    it('malformed JSON is 400 invalid_json', async () => {
      for (const raw of ['{"subject": "x",', '{subject: 1}', 'not json', '{"a":1}}', '[1,2', '\u0000']) {
        await rejected(
          () => api.request('POST', '/tickets', { token: ws.admin.token, raw }),
          400,
          'invalid_json',
        );
      }
      await rejected(
        () =>
          api.request('POST', `/approvals/${approvalId}/decisions`, {
            token: approver.token,
            raw: '{"decision": "approve"',
          }),
        400,
        'invalid_json',
      );
    });

    it('missing fields are 400 invalid_request naming each field', async () => {
      const res = await rejected(
        () => api.post('/tickets', { requesterId: customer.id }, { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      expect(fields(res)).toEqual(expect.arrayContaining(['body.subject', 'body.body']));
      const signup = await rejected(() => api.post('/signup', { name: 'X' }), 400, 'invalid_request');
      expect(fields(signup)).toEqual(
        expect.arrayContaining(['body.workspaceName', 'body.email', 'body.password']),
      );
      const decision = await rejected(
        () => api.post(`/approvals/${approvalId}/decisions`, { comment: 'ok' }, { token: approver.token }),
        400,
        'invalid_request',
      );
      expect(fields(decision)).toContain('body.decision');
      const adHoc = await rejected(
        () =>
          api.post(
            `/tickets/${ticket.id}/approvals`,
            { approvers: [{ type: 'member', id: approver.id }] },
            { token: agent.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(adHoc)).toContain('body.title');
      const noApprovers = await rejected(
        () => api.post(`/tickets/${ticket.id}/approvals`, { title: 'T' }, { token: agent.token }),
        400,
        'invalid_request',
      );
      expect(fields(noApprovers)).toContain('body.approvers');
    });

    it('unknown fields are 400 invalid_request naming the field', async () => {
      const res = await rejected(
        () =>
          api.post(
            '/tickets',
            { subject: 'S', body: 'B', requesterId: customer.id, priority: 'urgent' },
            { token: ws.admin.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(res)).toEqual(['body.priority']);
      const decision = await rejected(
        () =>
          api.post(
            `/approvals/${approvalId}/decisions`,
            { decision: 'approve', weight: 10 },
            { token: approver.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(decision)).toEqual(['body.weight']);
      const settings = await rejected(
        () => api.patch('/settings', { approvalsEnabled: true, superUser: true }, { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      expect(fields(settings)).toEqual(['body.superUser']);
      const nested = await rejected(
        () =>
          api.post(
            `/tickets/${ticket.id}/approvals`,
            { title: 'T', approvers: [{ type: 'member', id: approver.id, role: 'boss' }], urgent: true },
            { token: agent.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(nested)).toEqual(expect.arrayContaining(['body.urgent', 'body.approvers.0.role']));
    });

    it('wrong types are 400 invalid_request naming the field', async () => {
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/tickets', { subject: 42, body: 'B', requesterId: customer.id }, 'body.subject'],
        ['POST', '/tickets', { subject: 'S', body: ['B'], requesterId: customer.id }, 'body.body'],
        ['POST', '/tickets', { subject: 'S', body: 'B', requesterId: 7 }, 'body.requesterId'],
        [
          'POST',
          '/tickets',
          { subject: 'S', body: 'B', requesterId: customer.id, contactIds: 'x' },
          'body.contactIds',
        ],
        ['POST', `/tickets/${ticket.id}/messages`, { body: 'hi', public: 'yes' }, 'body.public'],
        ['PATCH', `/tickets/${ticket.id}`, { status: 'exploded' }, 'body.status'],
        ['PATCH', '/settings', { approvalsEnabled: 'true' }, 'body.approvalsEnabled'],
        ['PATCH', '/settings', { approvalLinkTtlHours: 1.5 }, 'body.approvalLinkTtlHours'],
        ['POST', `/approvals/${approvalId}/decisions`, { decision: 'maybe' }, 'body.decision'],
        ['POST', `/approvals/${approvalId}/decisions`, { decision: true }, 'body.decision'],
        ['POST', `/approvals/${approvalId}/comments`, { body: 12 }, 'body.body'],
        ['POST', '/members', { name: 'N', email: 'not-an-email', role: 'agent' }, 'body.email'],
        ['POST', '/members', { name: 'N', email: 'n@example.test', role: 'owner' }, 'body.role'],
        [
          'POST',
          `/tickets/${ticket.id}/approvals`,
          {
            title: 'T',
            approvers: [{ type: 'member', id: approver.id }],
            rule: { type: 'min', count: 'two' },
          },
          'body.rule',
        ],
        ['POST', `/tickets/${ticket.id}/approvals`, { title: 'T', approvers: {} }, 'body.approvers'],
      ];
      for (const [method, path, body, field] of cases) {
        const token = path.includes('/decisions') ? approver.token : ws.admin.token;
        const res = await rejected(() => api.request(method, path, { token, body }), 400, 'invalid_request');
        expect(
          fields(res).some((f) => f === field || f.startsWith(`${field}.`)),
          `${method} ${path} ${JSON.stringify(res.body)}`,
        ).toBe(true);
      }
    });

    it('a JSON body that is not an object is 400 invalid_request', async () => {
      for (const raw of ['null', '[]', '"ticket"', '42', 'true']) {
        await rejected(
          () => api.request('POST', '/tickets', { token: ws.admin.token, raw }),
          400,
          'invalid_request',
        );
      }
    });

    it('an empty body is 400', async () => {
      // Declared as JSON but empty.
      const empty = await rejected(
        () => api.request('POST', '/tickets', { token: ws.admin.token, raw: '' }),
        400,
        'invalid_request',
      );
      expect(fields(empty)).toContain('body');
      // No body and no content type at all.
      await rejected(
        () => api.request('POST', '/tickets', { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      await rejected(
        () => api.request('POST', `/approvals/${approvalId}/decisions`, { token: approver.token }),
        400,
        'invalid_request',
      );
      await rejected(() => api.request('POST', '/signup', { raw: '' }), 400, 'invalid_request');
      await rejected(() => api.post('/signup', {}), 400, 'invalid_request');
    });

    it('a body over 1 MiB is 413, exactly 1 MiB is read', async () => {
      const big = 'x'.repeat(1024 * 1024);
      await rejected(
        () =>
          api.post(
            '/tickets',
            { subject: 'S', body: big, requesterId: customer.id },
            { token: ws.admin.token },
          ),
        413,
        'payload_too_large',
      );
      await rejected(
        () => api.request('POST', '/signup', { raw: `{"workspaceName":"${big}"}` }),
        413,
        'payload_too_large',
      );
      // 1 MiB of JSON whitespace plus a small valid body: within the limit, so validated normally.
      const body = JSON.stringify({ subject: 'Padded', body: 'B', requesterId: customer.id });
      const padded = body + ' '.repeat(1024 * 1024 - body.length);
      expect(Buffer.byteLength(padded)).toBe(1024 * 1024);
      const ok = await api.request('POST', '/tickets', { token: ws.admin.token, raw: padded });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });

    it('a wrong content type is 415', async () => {
      const body = JSON.stringify({ subject: 'S', body: 'B', requesterId: customer.id });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        await rejected(
          () =>
            api.request('POST', '/tickets', {
              token: ws.admin.token,
              raw: body,
              headers: { 'content-type': type },
            }),
          415,
          'unsupported_media_type',
        );
      }
      await rejected(
        () =>
          api.request('POST', `/approvals/${approvalId}/decisions`, {
            token: approver.token,
            raw: 'decision=approve',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
        415,
        'unsupported_media_type',
      );
    });
  });

  describe('length limits', () => {
    it('a title of 201 characters is 400; 200 is accepted', async () => {
      const approvers = [{ type: 'member', id: approver.id }];
      const res = await rejected(
        () =>
          api.post(
            `/tickets/${ticket.id}/approvals`,
            { title: 'T'.repeat(201), approvers },
            { token: agent.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(res)).toContain('body.title');
      const subject = await rejected(
        () =>
          api.post(
            '/tickets',
            { subject: 's'.repeat(201), body: 'B', requesterId: customer.id },
            { token: ws.admin.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(subject)).toContain('body.subject');
      const ok = await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'T'.repeat(200), approvers },
        { token: agent.token },
      );
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.title).toHaveLength(200);
      expect(
        (await api.post(`/approvals/${ok.body.id}/cancel`, undefined, { token: agent.token })).status,
      ).toBe(200);
    });

    it('a description of 10,001 characters is 400; 10,000 is accepted', async () => {
      const approvers = [{ type: 'member', id: approver.id }];
      const res = await rejected(
        () =>
          api.post(
            `/tickets/${ticket.id}/approvals`,
            { title: 'T', description: 'd'.repeat(10_001), approvers },
            { token: agent.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(res)).toContain('body.description');
      const ok = await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'T', description: 'd'.repeat(10_000), approvers },
        { token: agent.token },
      );
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.description).toHaveLength(10_000);
      expect(
        (await api.post(`/approvals/${ok.body.id}/cancel`, undefined, { token: agent.token })).status,
      ).toBe(200);
    });

    it('a comment of 10,001 characters is 400 (comments and decision comments); 10,000 is accepted', async () => {
      const long = 'c'.repeat(10_001);
      const res = await rejected(
        () => api.post(`/approvals/${approvalId}/comments`, { body: long }, { token: agent.token }),
        400,
        'invalid_request',
      );
      expect(fields(res)).toContain('body.body');
      const decision = await rejected(
        () =>
          api.post(
            `/approvals/${approvalId}/decisions`,
            { decision: 'approve', comment: long },
            { token: approver.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(decision)).toContain('body.comment');
      const message = await rejected(
        () =>
          api.post(`/tickets/${ticket.id}/messages`, { body: long, public: true }, { token: agent.token }),
        400,
        'invalid_request',
      );
      expect(fields(message)).toContain('body.body');
      const ok = await api.post(
        `/approvals/${approvalId}/comments`,
        { body: 'c'.repeat(10_000) },
        { token: agent.token },
      );
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });

    it('an appeal reason of 2,001 characters is 400, one of only spaces is empty; 2,000 is accepted', async () => {
      const res = await rejected(
        () => api.post(`/approvals/${deniedId}/appeal`, { reason: 'r'.repeat(2001) }, { token: agent.token }),
        400,
        'invalid_request',
      );
      expect(fields(res)).toContain('body.reason');
      const blank = await rejected(
        () => api.post(`/approvals/${deniedId}/appeal`, { reason: '    ' }, { token: agent.token }),
        400,
        'invalid_request',
      );
      expect(fields(blank)).toContain('body.reason');
      await rejected(
        () => api.post(`/approvals/${deniedId}/appeal`, {}, { token: agent.token }),
        400,
        'invalid_request',
      );
      const ok = await api.post(
        `/approvals/${deniedId}/appeal`,
        { reason: 'r'.repeat(2000) },
        { token: agent.token },
      );
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.status).toBe('appeal_pending');
      expect(ok.body.appeal.reason).toHaveLength(2000);
    });
  });

  describe('strings that look like SQL are stored verbatim', () => {
    const nasty = [
      "'; DROP TABLE tickets; --",
      "Robert'); DELETE FROM approvals WHERE ('1'='1",
      '" OR 1=1 --',
      '$1 $$ \\x00 \\\\ %s %n',
      '<script>alert(1)</script>',
      'Ünïcödé — 漢字 🎉',
    ];

    it('as a ticket subject, body, message and approval comment', async () => {
      for (const s of nasty) {
        const created = await api.post(
          '/tickets',
          { subject: s, body: `body ${s}`, requesterId: customer.id },
          { token: ws.admin.token },
        );
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body.subject).toBe(s);
        const read = await api.get(`/tickets/${created.body.id}`, { token: ws.admin.token });
        expect(read.status).toBe(200);
        expect(read.body.subject).toBe(s);
        expect(read.body.messages[0].body).toBe(`body ${s}`);
        const msg = await api.post(
          `/tickets/${created.body.id}/messages`,
          { body: s, public: true },
          { token: agent.token },
        );
        expect(msg.status).toBe(201);
        expect(msg.body.body).toBe(s);
      }
      const comment = await api.post(
        `/approvals/${approvalId}/comments`,
        { body: nasty[0] },
        { token: agent.token },
      );
      expect(comment.status).toBe(201);
      const shown = await api.get(`/approvals/${approvalId}`, { token: agent.token });
      expect(shown.body.comments.map((c: any) => c.body)).toContain(nasty[0]);
      // The tables are all still there.
      const list = await api.get('/tickets?limit=200', { token: ws.admin.token });
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: any) => t.subject)).toEqual(expect.arrayContaining(nasty));
    });

    it('as a person name and an approval title', async () => {
      const contact = await api.post(
        '/contacts',
        { name: nasty[1], email: 'bobby@example.test' },
        { token: ws.admin.token },
      );
      expect(contact.status, JSON.stringify(contact.body)).toBe(201);
      expect(contact.body.name).toBe(nasty[1]);
      const approval = await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: nasty[0], description: nasty[2], approvers: [{ type: 'contact', id: contact.body.id }] },
        { token: agent.token },
      );
      expect(approval.status, JSON.stringify(approval.body)).toBe(201);
      const shown = await api.get(`/approvals/${approval.body.id}`, { token: agent.token });
      expect(shown.body.title).toBe(nasty[0]);
      expect(shown.body.description).toBe(nasty[2]);
      expect(shown.body.steps[0].approvers[0].name).toBe(nasty[1]);
    });

    it('a NUL character, which PostgreSQL cannot store, is 400 naming the field', async () => {
      const res = await rejected(
        () =>
          api.post(
            '/tickets',
            { subject: 'a\u0000b', body: 'B', requesterId: customer.id },
            { token: ws.admin.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(res)).toEqual(['body.subject']);
      const comment = await rejected(
        () => api.post(`/approvals/${approvalId}/comments`, { body: 'x\u0000' }, { token: agent.token }),
        400,
        'invalid_request',
      );
      expect(fields(comment)).toEqual(['body.body']);
      const form = await rejected(
        () =>
          api.post(
            `/tickets/${ticket.id}/approvals`,
            {
              title: 'T',
              approvers: [{ type: 'member', id: approver.id }],
              formData: { note: ['ok', 'n\u0000'] },
            },
            { token: agent.token },
          ),
        400,
        'invalid_request',
      );
      expect(fields(form)).toEqual(['body.formData.note.1']);
    });

    it('as a query parameter or a path segment', async () => {
      await rejected(
        () => api.get(`/tickets?status=${encodeURIComponent(nasty[0]!)}`, { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      await rejected(
        () => api.get(`/tickets?cursor=${encodeURIComponent(nasty[0]!)}`, { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      await rejected(
        () => api.get(`/tickets/${encodeURIComponent(nasty[0]!)}`, { token: ws.admin.token }),
        404,
        'not_found',
      );
    });
  });

  describe('ids', () => {
    const notUuids = ['not-a-uuid', '123', 'null', '00000000-0000-0000-0000-00000000000g', 'x'.repeat(99)];

    it('an id that is not a UUID in the path is 404', async () => {
      const token = ws.admin.token;
      for (const bad of notUuids) {
        for (const path of [
          `/tickets/${bad}`,
          `/tickets/${bad}/activity`,
          `/tickets/${bad}/approvals`,
          `/approvals/${bad}`,
          `/members/${bad}`,
          `/contacts/${bad}`,
          `/approval-groups/${bad}`,
          `/approval-templates/${bad}`,
        ]) {
          await rejected(() => api.get(path, { token }), 404, 'not_found');
        }
        await rejected(() => api.patch(`/tickets/${bad}`, { status: 'open' }, { token }), 404, 'not_found');
        await rejected(
          () => api.post(`/tickets/${bad}/messages`, { body: 'hi', public: true }, { token }),
          404,
          'not_found',
        );
        await rejected(
          () =>
            api.post(
              `/tickets/${bad}/approvals`,
              { title: 'T', approvers: [{ type: 'member', id: approver.id }] },
              { token },
            ),
          404,
          'not_found',
        );
        await rejected(
          () => api.post(`/approvals/${bad}/decisions`, { decision: 'approve' }, { token: approver.token }),
          404,
          'not_found',
        );
        await rejected(
          () => api.post(`/approvals/${bad}/comments`, { body: 'x' }, { token }),
          404,
          'not_found',
        );
        await rejected(() => api.post(`/approvals/${bad}/cancel`, undefined, { token }), 404, 'not_found');
        await rejected(() => api.post(`/approvals/${bad}/reminders`, {}, { token }), 404, 'not_found');
        await rejected(
          () =>
            api.patch(
              `/approvals/${bad}/recipients`,
              { remove: [{ type: 'member', id: approver.id }] },
              { token },
            ),
          404,
          'not_found',
        );
        await rejected(
          () => api.post(`/approvals/${bad}/appeal`, { reason: 'why' }, { token }),
          404,
          'not_found',
        );
      }
      // An id over 100 characters (the router's limit) is a 404 problem as well.
      for (const n of [101, 500]) {
        const res = await rejected(() => api.get(`/tickets/${'a'.repeat(n)}`, { token }), 404, 'not_found');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('an id of another workspace in the path is 404', async () => {
      const token = ws.admin.token;
      const paths = [
        `/tickets/${otherTicket.id}`,
        `/tickets/${otherTicket.id}/activity`,
        `/tickets/${otherTicket.id}/approvals`,
        `/approvals/${otherApprovalId}`,
        `/members/${otherMember.id}`,
        `/members/${other.admin.id}`,
        `/contacts/${otherContact.id}`,
        `/approval-groups/${otherGroupId}`,
        `/approval-templates/${otherTemplateId}`,
      ];
      for (const path of paths) await rejected(() => api.get(path, { token }), 404, 'not_found');
      await rejected(
        () => api.patch(`/tickets/${otherTicket.id}`, { status: 'solved' }, { token }),
        404,
        'not_found',
      );
      await rejected(
        () => api.patch(`/members/${otherMember.id}`, { active: false }, { token }),
        404,
        'not_found',
      );
      await rejected(
        () => api.patch(`/contacts/${otherContact.id}`, { name: 'Mine' }, { token }),
        404,
        'not_found',
      );
      await rejected(
        () => api.post(`/tickets/${otherTicket.id}/messages`, { body: 'hi', public: true }, { token }),
        404,
        'not_found',
      );
      await rejected(
        () => api.post(`/approvals/${otherApprovalId}/decisions`, { decision: 'approve' }, { token }),
        404,
        'not_found',
      );
      await rejected(
        () => api.post(`/approvals/${otherApprovalId}/cancel`, undefined, { token }),
        404,
        'not_found',
      );
      await rejected(
        () => api.post(`/approvals/${otherApprovalId}/comments`, { body: 'x' }, { token }),
        404,
        'not_found',
      );
      // Their own member may not act on our approval through theirs either.
      await rejected(
        () =>
          api.post(
            `/approvals/${approvalId}/decisions`,
            { decision: 'approve' },
            { token: otherMember.token },
          ),
        404,
        'not_found',
      );
    });

    it('an id of another workspace in the body is 404', async () => {
      const token = ws.admin.token;
      const bodyCases: Array<[string, string, unknown]> = [
        ['POST', '/tickets', { subject: 'S', body: 'B', requesterId: otherContact.id }],
        [
          'POST',
          '/tickets',
          { subject: 'S', body: 'B', requesterId: customer.id, contactIds: [otherContact.id] },
        ],
        [
          'POST',
          '/tickets',
          { subject: 'S', body: 'B', requesterId: customer.id, assigneeId: otherMember.id },
        ],
        ['PATCH', `/tickets/${ticket.id}`, { assigneeId: otherMember.id }],
        [
          'POST',
          `/tickets/${ticket.id}/approvals`,
          { title: 'T', approvers: [{ type: 'member', id: otherMember.id }] },
        ],
        [
          'POST',
          `/tickets/${ticket.id}/approvals`,
          { title: 'T', approvers: [{ type: 'contact', id: otherContact.id }] },
        ],
        [
          'POST',
          `/tickets/${ticket.id}/approvals`,
          { title: 'T', approvers: [{ type: 'group', id: otherGroupId }] },
        ],
        [
          'POST',
          `/tickets/${ticket.id}/approvals`,
          {
            title: 'T',
            approvers: [{ type: 'member', id: approver.id }],
            onBehalfOf: { type: 'contact', id: otherContact.id },
          },
        ],
        ['POST', `/tickets/${ticket.id}/approvals`, { templateId: otherTemplateId }],
        ['PATCH', `/approvals/${approvalId}/recipients`, { add: [{ type: 'member', id: otherMember.id }] }],
        ['POST', `/approvals/${approvalId}/reminders`, { approver: { type: 'member', id: otherMember.id } }],
        ['POST', '/approval-groups', { name: 'G', memberIds: [otherMember.id] }],
        ['POST', '/approval-groups', { name: 'G', contactIds: [otherContact.id] }],
        [
          'POST',
          '/approval-templates',
          {
            name: 'T',
            steps: [
              { name: 'S', approvers: [{ type: 'member', id: otherMember.id }], rule: { type: 'any' } },
            ],
          },
        ],
        [
          'POST',
          '/approval-templates',
          {
            name: 'T',
            appealReviewers: [{ type: 'group', id: otherGroupId }],
            steps: [{ name: 'S', approvers: [{ type: 'member', id: approver.id }], rule: { type: 'any' } }],
          },
        ],
      ];
      for (const [method, path, body] of bodyCases) {
        const before = await snapshot();
        const res = await api.request(method, path, { token, body });
        expect(res.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(
          404,
        );
        expectProblem(res, 404, 'not_found');
        expect(await snapshot(), `${method} ${path}`).toEqual(before);
      }
    });

    it('a well-formed id that exists nowhere is 404', async () => {
      const ghost = '6f1c2d1e-0000-4000-8000-000000000000';
      const token = ws.admin.token;
      await rejected(() => api.get(`/tickets/${ghost}`, { token }), 404, 'not_found');
      await rejected(() => api.get(`/approvals/${ghost}`, { token }), 404, 'not_found');
      await rejected(
        () => api.post('/tickets', { subject: 'S', body: 'B', requesterId: ghost }, { token }),
        404,
        'not_found',
      );
      // Upper-case spelling of a real id finds the same thing.
      const upper = await api.get(`/tickets/${ticket.id.toUpperCase()}`, { token });
      expect(upper.status).toBe(200);
      expect(upper.body.id).toBe(ticket.id);
    });
  });

  describe('routes', () => {
    it('an unknown route is a 404 problem', async () => {
      for (const [method, path] of [
        ['GET', '/nope'],
        ['POST', '/tickets/123/explode'],
        ['DELETE', '/tickets'],
        ['GET', '/approvals'],
      ] as const) {
        const res = await rejected(
          () => api.request(method, path, { token: ws.admin.token }),
          404,
          'not_found',
        );
        expect(res.body.detail).toMatch(/No route/);
      }
      // Also without a session.
      await rejected(() => api.get('/definitely/not/here'), 404, 'not_found');
      // A malformed percent-encoding is a problem too.
      await rejected(() => api.get('/tickets/%E0%A4%A', { token: ws.admin.token }), 400, 'invalid_request');
      const outside = await fetch(`${server.url}/api/v2/tickets`);
      expect(outside.status).toBe(404);
      expect(outside.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('a query parameter that is not allowed is 400', async () => {
      const res = await rejected(
        () => api.get('/tickets?limit=2&sort=subject', { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      expect(fields(res)).toEqual(['query.sort']);
      await rejected(
        () => api.get('/tickets?approvalStatus=maybe', { token: ws.admin.token }),
        400,
        'invalid_request',
      );
      await rejected(() => api.get('/tickets?limit=abc', { token: ws.admin.token }), 400, 'invalid_request');
      await rejected(() => api.get('/tickets?limit=0', { token: ws.admin.token }), 400, 'invalid_request');
    });

    it('odd bodies on every write route never produce a 5xx, and a refusal writes nothing', async () => {
      const odd = [
        '{}',
        '[]',
        'null',
        '"x"',
        '0',
        '{"id":{}}',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        '{"body":"\\u0000"}',
        '{"name":"a\\ud800b"}',
      ];
      const routes: Array<[string, string, string]> = [
        ['POST', '/tickets', ws.admin.token],
        ['PATCH', `/tickets/${ticket.id}`, ws.admin.token],
        ['POST', `/tickets/${ticket.id}/messages`, ws.admin.token],
        ['POST', '/members', ws.admin.token],
        ['POST', '/contacts', ws.admin.token],
        ['PATCH', '/settings', ws.admin.token],
        ['POST', '/approval-groups', ws.admin.token],
        ['POST', '/approval-templates', ws.admin.token],
        ['POST', `/tickets/${ticket.id}/approvals`, agent.token],
        ['POST', `/approvals/${approvalId}/decisions`, approver.token],
        ['POST', `/approvals/${approvalId}/comments`, agent.token],
        ['PATCH', `/approvals/${approvalId}/recipients`, agent.token],
        ['POST', `/approvals/${deniedId}/appeal/decisions`, ws.admin.token],
        ['POST', '/auth/login', ''],
        ['POST', '/signup', ''],
      ];
      for (const [method, path, token] of routes) {
        for (const raw of odd) {
          const before = await snapshot();
          const res = await api.request(method, path, { token, raw });
          const where = `${method} ${path} ${raw} → ${res.status} ${JSON.stringify(res.body)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type'), where).toMatch(/^application\/problem\+json/);
            expect(typeof res.body.code, where).toBe('string');
            expect(await snapshot(), where).toEqual(before);
          }
        }
      }
    });
  });
});
