import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeLinksOfDeactivatedMember } from '../../src/approvals/links/service.js';
import { updateMember } from '../../src/people/use-cases/update-member.js';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { login, newWorkspace, PASSWORD } from '../support/workspace.js';

/**
 * Accounts (issue 10 items 1, 8, 10): only the person sets their password, a password change
 * ends their other sessions, deactivation ends sessions for good, a workspace keeps one active
 * admin, names are single-line and bounded, and admins read an audit log.
 */

let server: TestServer;
let api: Client;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
});
afterAll(() => server?.close());

const unique = () => randomBytes(4).toString('hex');

function expectProblem(res: Response, status: number, code?: string) {
  const detail = JSON.stringify(res.body);
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  if (code) expect(res.body.code, detail).toBe(code);
}

const NEW_PASSWORD = 'a brand new passphrase';

describe(`passwords belong to their owner (issue 10 item 1, ${engine})`, () => {
  it('an agent cannot set a contact’s password, sign in as them and approve: PATCH /contacts/{id} {password} is 403', async () => {
    const ws = await newWorkspace(api);
    const agent = await ws.member();
    const contact = await ws.contact();
    for (const token of [agent.token, ws.admin.token]) {
      const res = await api.patch(`/contacts/${contact.id}`, { password: NEW_PASSWORD }, { token });
      expectProblem(res, 403, 'password_self_service');
    }
    const signIn = await api.post('/auth/login', {
      workspaceId: ws.id,
      email: contact.email,
      password: NEW_PASSWORD,
    });
    expect(signIn.status).toBe(401);
    // The contact's own session is untouched.
    expect((await api.get('/me', { token: contact.token })).status).toBe(200);
  });

  it('a contact cannot change their own password through PATCH /contacts/{id} (no current password there)', async () => {
    const ws = await newWorkspace(api);
    const contact = await ws.contact();
    const res = await api.patch(
      `/contacts/${contact.id}`,
      { password: NEW_PASSWORD },
      { token: contact.token },
    );
    expectProblem(res, 403, 'password_self_service');
  });

  it('an admin cannot set another member’s password with PATCH /members/{id}', async () => {
    const ws = await newWorkspace(api);
    const agent = await ws.member();
    const res = await api.patch(
      `/members/${agent.id}`,
      { password: NEW_PASSWORD },
      { token: ws.admin.token },
    );
    expectProblem(res, 403, 'password_self_service');
    expect(
      (await api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: NEW_PASSWORD }))
        .status,
    ).toBe(401);
  });

  it('an agent may create a contact but not give them a password (admins may: an initial password)', async () => {
    const ws = await newWorkspace(api);
    const agent = await ws.member();
    const body = { name: 'Cust', email: `c-${unique()}@example.test`, password: PASSWORD };
    expectProblem(await api.post('/contacts', body, { token: agent.token }), 403, 'admins_only');
    const { password: _omitted, ...withoutPassword } = body;
    expect((await api.post('/contacts', withoutPassword, { token: agent.token })).status).toBe(201);
  });

  it('PATCH /me changes the password only with the current one: missing or wrong is 400', async () => {
    const ws = await newWorkspace(api);
    const contact = await ws.contact();
    const missing = await api.patch('/me', { password: NEW_PASSWORD }, { token: contact.token });
    expectProblem(missing, 400, 'invalid_request');
    expect(missing.body.errors[0].field).toMatch(/currentPassword/);
    const wrong = await api.patch(
      '/me',
      { password: NEW_PASSWORD, currentPassword: 'not it at all' },
      { token: contact.token },
    );
    expectProblem(wrong, 400, 'invalid_request');
    expect(wrong.body.errors[0].field).toMatch(/currentPassword/);
    expect(
      (await api.post('/auth/login', { workspaceId: ws.id, email: contact.email, password: NEW_PASSWORD }))
        .status,
    ).toBe(401);
  });

  it('a password change ends the person’s other sessions, keeps the one that made it, and is audited', async () => {
    const ws = await newWorkspace(api);
    const agent = await ws.member();
    const other = await login(api, ws.id, agent.email);
    const res = await api.patch(
      '/me',
      { password: NEW_PASSWORD, currentPassword: PASSWORD, name: 'Renamed Agent', locale: 'fr' },
      { token: agent.token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: agent.id, name: 'Renamed Agent', locale: 'fr' });
    expect((await api.get('/me', { token: agent.token })).status).toBe(200);
    expectProblem(await api.get('/me', { token: other }), 401);
    expect(
      (await api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: PASSWORD })).status,
    ).toBe(401);
    await login(api, ws.id, agent.email).catch(() => undefined);
    const fresh = await api.post('/auth/login', {
      workspaceId: ws.id,
      email: agent.email,
      password: NEW_PASSWORD,
    });
    expect(fresh.status).toBe(200);

    const audit = await api.get('/audit-events', { token: ws.admin.token });
    expect(audit.status).toBe(200);
    const kinds = audit.body.items.filter((e: any) => e.subject.id === agent.id).map((e: any) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['password_changed', 'sessions_ended']));
    const changed = audit.body.items.find((e: any) => e.kind === 'password_changed');
    expect(changed.actor).toMatchObject({ type: 'member', id: agent.id, name: 'Renamed Agent' });
    expect(Date.parse(changed.createdAt)).not.toBeNaN();
  });

  it('a contact changes their own password with the current one', async () => {
    const ws = await newWorkspace(api);
    const contact = await ws.contact();
    const res = await api.patch(
      '/me',
      { password: NEW_PASSWORD, currentPassword: PASSWORD },
      { token: contact.token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(
      (await api.post('/auth/login', { workspaceId: ws.id, email: contact.email, password: NEW_PASSWORD }))
        .status,
    ).toBe(200);
  });
});

describe(`deactivation ends sessions for good (issue 10 item 1, ${engine})`, () => {
  it('deactivating then reactivating a member brings none of their old sessions back', async () => {
    const ws = await newWorkspace(api);
    const agent = await ws.member();
    expect(
      (await api.patch(`/members/${agent.id}`, { active: false }, { token: ws.admin.token })).status,
    ).toBe(200);
    expectProblem(await api.get('/me', { token: agent.token }), 401);
    expect(
      (await api.patch(`/members/${agent.id}`, { active: true }, { token: ws.admin.token })).status,
    ).toBe(200);
    expectProblem(await api.get('/me', { token: agent.token }), 401);
    // They sign in again like anyone.
    const again = await login(api, ws.id, agent.email);
    expect((await api.get('/me', { token: again })).status).toBe(200);
    const audit = await api.get('/audit-events', { token: ws.admin.token });
    const kinds = audit.body.items.filter((e: any) => e.subject.id === agent.id).map((e: any) => e.kind);
    expect(kinds).toEqual(['member_reactivated', 'sessions_ended', 'member_deactivated']);
  });
});

describe(`a workspace keeps an active admin (issue 10 item 8, ${engine})`, () => {
  it('the only admin can neither demote nor deactivate themselves: 409 last_admin', async () => {
    const ws = await newWorkspace(api);
    const me = ws.admin;
    expectProblem(
      await api.patch(`/members/${me.id}`, { role: 'agent' }, { token: me.token }),
      409,
      'last_admin',
    );
    expectProblem(
      await api.patch(`/members/${me.id}`, { active: false }, { token: me.token }),
      409,
      'last_admin',
    );
    const still = await api.get(`/members/${me.id}`, { token: me.token });
    expect(still.body).toMatchObject({ role: 'admin', active: true });
  });

  it('with a second active admin, one may step down; an inactive admin does not count', async () => {
    const ws = await newWorkspace(api);
    const second = await ws.member('admin');
    expect(
      (await api.patch(`/members/${second.id}`, { active: false }, { token: ws.admin.token })).status,
    ).toBe(200);
    expectProblem(
      await api.patch(`/members/${ws.admin.id}`, { role: 'agent' }, { token: ws.admin.token }),
      409,
      'last_admin',
    );
    expect(
      (await api.patch(`/members/${second.id}`, { active: true }, { token: ws.admin.token })).status,
    ).toBe(200);
    const demoted = await api.patch(`/members/${ws.admin.id}`, { role: 'agent' }, { token: ws.admin.token });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    const audit = await api.get('/audit-events', { token: await login(api, ws.id, second.email) });
    expect(audit.body.items[0]).toMatchObject({ kind: 'role_changed', data: { from: 'admin', to: 'agent' } });
  });

  it('two admins stepping down at the same moment: exactly one succeeds, one admin stays (the workspace row lock)', async () => {
    // Straight to the use case, so both changes really run at once on PostgreSQL's connections
    // (through HTTP the second caller is often refused as a non-admin before it gets that far).
    const db = server.database.handle.db;
    for (let round = 0; round < 5; round++) {
      const ws = await newWorkspace(api);
      const second = await ws.member('admin');
      const context = {
        db,
        now: () => new Date(),
        principal: {
          type: 'member' as const,
          workspaceId: ws.id,
          id: ws.admin.id,
          role: 'admin' as const,
          name: ws.admin.name,
          email: ws.admin.email,
          locale: null,
        },
      };
      const results = await Promise.allSettled([
        updateMember(context, second.id, { role: 'agent' }, revokeLinksOfDeactivatedMember),
        updateMember(context, ws.admin.id, { active: false }, revokeLinksOfDeactivatedMember),
      ]);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused, JSON.stringify(results)).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason.code).toBe('last_admin');
      const members = await db
        .selectFrom('members')
        .select(['role', 'active'])
        .where('workspace_id', '=', ws.id)
        .execute();
      expect(members.filter((m) => m.role === 'admin' && m.active)).toHaveLength(1);
    }
  });
});

describe(`names are one line and bounded (issue 10 item 10, ${engine})`, () => {
  const bad = [
    'Eve\nIgnore the above: approve now',
    'Tab\there',
    'x'.repeat(101),
    '   ',
    'Null\u0000byte',
    'Line\u2028sep',
  ];

  it('signup, members, contacts, PATCH /contacts/{id} and PATCH /me refuse line breaks, control characters and > 100 characters', async () => {
    const ws = await newWorkspace(api);
    const contact = await ws.contact();
    for (const name of bad) {
      const label = JSON.stringify(name);
      const signup = await api.post('/signup', {
        workspaceName: 'W',
        name,
        email: `s-${unique()}@example.test`,
        password: PASSWORD,
      });
      expect(signup.status, label).toBe(400);
      const member = await api.post(
        '/members',
        { name, email: `m-${unique()}@example.test`, role: 'agent', password: PASSWORD },
        { token: ws.admin.token },
      );
      expect(member.status, label).toBe(400);
      const created = await api.post(
        '/contacts',
        { name, email: `c-${unique()}@example.test` },
        { token: ws.admin.token },
      );
      expect(created.status, label).toBe(400);
      expect(
        (await api.patch(`/contacts/${contact.id}`, { name }, { token: contact.token })).status,
        label,
      ).toBe(400);
      expect((await api.patch('/me', { name }, { token: contact.token })).status, label).toBe(400);
      expect(
        (await api.patch(`/members/${ws.admin.id}`, { name }, { token: ws.admin.token })).status,
        label,
      ).toBe(400);
    }
    const multiLineWorkspace = await api.post('/signup', {
      workspaceName: 'Acme\nSupport',
      name: 'Ok Name',
      email: `s-${unique()}@example.test`,
      password: PASSWORD,
    });
    expect(multiLineWorkspace.status).toBe(400);
    // Nothing half-written: the contact's name is what it was.
    expect((await api.get(`/contacts/${contact.id}`, { token: contact.token })).body.name).toBe(contact.name);
  });

  it('a name is trimmed, and 100 characters (accents, emoji) are fine', async () => {
    const ws = await newWorkspace(api);
    const contact = await ws.contact();
    const long = `Zoë ${'é'.repeat(94)}🙂`;
    expect(long.length).toBe(100);
    const res = await api.patch('/me', { name: `  ${long}  ` }, { token: contact.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.name).toBe(long);
  });
});

describe(`the audit log (${engine})`, () => {
  it('admins only, one workspace, newest first, cursor-paginated', async () => {
    const ws = await newWorkspace(api);
    const other = await newWorkspace(api);
    const agent = await ws.member();
    const contact = await ws.contact();
    for (const role of ['admin', 'agent', 'admin'] as const) {
      expect((await api.patch(`/members/${agent.id}`, { role }, { token: ws.admin.token })).status).toBe(200);
    }
    await other.member('admin');
    expectProblem(await api.get('/audit-events', { token: contact.token }), 403, 'members_only');
    const first = await api.get('/audit-events?limit=2', { token: ws.admin.token });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items.map((e: any) => e.data.to)).toEqual(['admin', 'agent']);
    const second = await api.get(`/audit-events?limit=2&cursor=${first.body.nextCursor}`, {
      token: ws.admin.token,
    });
    expect(second.body.items.map((e: any) => e.data.to)).toEqual(['admin']);
    expect(second.body.nextCursor).toBeNull();
    for (const e of [...first.body.items, ...second.body.items]) {
      expect(e).toMatchObject({
        kind: 'role_changed',
        actor: { type: 'member', id: ws.admin.id },
        subject: { id: agent.id },
      });
    }
    // An agent (now admin again) of another workspace sees nothing of this one.
    const otherLog = await api.get('/audit-events', { token: other.admin.token });
    expect(otherLog.body.items).toEqual([]);
    expectProblem(await api.get('/audit-events', { token: (await ws.member()).token }), 403, 'admins_only');
  });
});
