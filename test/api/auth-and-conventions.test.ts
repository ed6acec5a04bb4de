import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { login, newWorkspace, PASSWORD, type Workspace } from '../support/workspace.js';

/** Sign-up, sign-in, sessions, and the conventions of SPEC §5 and §7. */

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
  expect(res.body.status, detail).toBe(status);
  expect(typeof res.body.code, detail).toBe('string');
  if (code) expect(res.body.code, detail).toBe(code);
}

describe(`sign-up and sign-in (${engine})`, () => {
  it('signup answers 201 {workspace:{id}, member:{id}, token} and the first member is an admin', async () => {
    const email = `first-${unique()}@example.test`;
    const res = await api.post('/signup', {
      workspaceName: 'Acme',
      name: 'Grace Hopper',
      email,
      password: PASSWORD,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.workspace.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.member.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof res.body.token).toBe('string');
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password_?hash/i);

    const me = await api.get('/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      type: 'member',
      id: res.body.member.id,
      workspaceId: res.body.workspace.id,
      role: 'admin',
      email,
      name: 'Grace Hopper',
    });
    const member = await api.get(`/members/${res.body.member.id}`, { token: res.body.token });
    expect(member.status).toBe(200);
    expect(member.body.role).toBe('admin');
    // The admin can do admin things straight away.
    const patched = await api.patch('/settings', { approvalsEnabled: true }, { token: res.body.token });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.approvalsEnabled).toBe(true);
  });

  it('signup validates its body and a short password is refused', async () => {
    const base = { workspaceName: 'W', name: 'N', email: `v-${unique()}@example.test`, password: PASSWORD };
    expectProblem(await api.post('/signup', { ...base, password: 'short' }), 400, 'invalid_request');
    expectProblem(await api.post('/signup', { ...base, email: 'nope' }), 400, 'invalid_request');
    expectProblem(await api.post('/signup', { ...base, workspaceName: '   ' }), 400, 'invalid_request');
  });

  it('login with the right password answers 200 {token, principal}; each login is a new session', async () => {
    const ws = await newWorkspace(api, {});
    const res = await api.post('/auth/login', {
      workspaceId: ws.id,
      email: ws.admin.email,
      password: PASSWORD,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toEqual({ type: 'member', id: ws.admin.id });
    expect(res.body.token).not.toBe(ws.admin.token);
    const again = await login(api, ws.id, ws.admin.email);
    expect(again).not.toBe(res.body.token);
    for (const token of [res.body.token, again, ws.admin.token]) {
      expect((await api.get('/me', { token })).body.id).toBe(ws.admin.id);
    }
    // The email is matched without regard to case or surrounding spaces.
    const upper = await api.post('/auth/login', {
      workspaceId: ws.id.toUpperCase(),
      email: ` ${ws.admin.email.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(upper.status, JSON.stringify(upper.body)).toBe(200);
    expect(upper.body.principal.id).toBe(ws.admin.id);
  });

  it('wrong credentials answer 401 problems that do not say which part was wrong', async () => {
    const ws = await newWorkspace(api, {});
    const other = await newWorkspace(api, {});
    const attempts = [
      { workspaceId: ws.id, email: ws.admin.email, password: 'wrong password' },
      { workspaceId: ws.id, email: `nobody-${unique()}@example.test`, password: PASSWORD },
      { workspaceId: randomUUID(), email: ws.admin.email, password: PASSWORD },
      // Right person, right password, wrong workspace.
      { workspaceId: other.id, email: ws.admin.email, password: PASSWORD },
      { workspaceId: ws.id, email: ws.admin.email, password: PASSWORD.toUpperCase() },
    ];
    const details = new Set<string>();
    for (const body of attempts) {
      const res = await api.post('/auth/login', body);
      expectProblem(res, 401, 'invalid_credentials');
      expect(res.body.token).toBeUndefined();
      details.add(res.body.detail);
    }
    expect(details.size).toBe(1);
    expectProblem(
      await api.post('/auth/login', { workspaceId: 'acme', email: ws.admin.email, password: PASSWORD }),
      400,
      'invalid_request',
    );
    expectProblem(
      await api.post('/auth/login', { workspaceId: ws.id, email: ws.admin.email }),
      400,
      'invalid_request',
    );
  });

  it('a contact signs in as a contact and is kept out of member-only endpoints', async () => {
    const ws = await newWorkspace(api, {});
    const contact = await ws.contact('Carla Contact');
    const res = await api.post('/auth/login', {
      workspaceId: ws.id,
      email: contact.email,
      password: PASSWORD,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toEqual({ type: 'contact', id: contact.id });
    const me = await api.get('/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      type: 'contact',
      id: contact.id,
      workspaceId: ws.id,
      name: 'Carla Contact',
    });
    expect(me.body.role).toBeUndefined();
    expectProblem(await api.get('/members', { token: res.body.token }), 403, 'members_only');
    expectProblem(
      await api.post(
        '/members',
        { name: 'X', email: `x-${unique()}@example.test`, role: 'admin' },
        { token: res.body.token },
      ),
      403,
    );
    expectProblem(await api.patch('/settings', { approvalsEnabled: true }, { token: res.body.token }), 403);
  });

  it('a contact without a password cannot sign in; an agent is not an admin', async () => {
    const ws = await newWorkspace(api, {});
    const email = `nopass-${unique()}@example.test`;
    const created = await api.post('/contacts', { name: 'No Pass', email }, { token: ws.admin.token });
    expect(created.status).toBe(201);
    expectProblem(
      await api.post('/auth/login', { workspaceId: ws.id, email, password: PASSWORD }),
      401,
      'invalid_credentials',
    );
    const agent = await ws.member('agent');
    expect((await api.get('/me', { token: agent.token })).body.role).toBe('agent');
    expectProblem(
      await api.patch('/settings', { approvalsEnabled: true }, { token: agent.token }),
      403,
      'admins_only',
    );
  });

  it('an address that is both a member and a contact signs in as the member', async () => {
    const ws = await newWorkspace(api, {});
    const email = `both-${unique()}@example.test`;
    const contact = await api.post(
      '/contacts',
      { name: 'Both C', email, password: 'contact password' },
      { token: ws.admin.token },
    );
    expect(contact.status).toBe(201);
    const member = await api.post(
      '/members',
      { name: 'Both M', email, role: 'agent', password: PASSWORD },
      { token: ws.admin.token },
    );
    expect(member.status).toBe(201);
    const res = await api.post('/auth/login', { workspaceId: ws.id, email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.principal).toEqual({ type: 'member', id: member.body.id });
  });
});

describe(`sessions (${engine})`, () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await newWorkspace(api, {});
  });

  it('a missing bearer is 401 on every private endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/me'],
      ['GET', '/settings'],
      ['GET', '/tickets'],
      ['POST', '/tickets'],
      ['GET', '/members'],
      ['POST', '/auth/logout'],
      ['GET', `/tickets/${randomUUID()}`],
      ['GET', `/approvals/${randomUUID()}`],
      ['GET', '/me/approval-tasks'],
    ] as const) {
      const res = await api.request(method, path, method === 'POST' ? { body: {} } : {});
      expectProblem(res, 401, 'unauthorized');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('a garbage bearer is 401', async () => {
    const realish = `${ws.id}.${randomBytes(32).toString('base64url')}`;
    const tampered = `${ws.admin.token.slice(0, -1)}${ws.admin.token.endsWith('A') ? 'B' : 'A'}`;
    const otherWorkspace = `${randomUUID()}.${ws.admin.token.split('.')[1]}`;
    for (const authorization of [
      'Bearer nonsense',
      'Bearer ',
      'Bearer',
      `Bearer ${realish}`,
      `Bearer ${tampered}`,
      `Bearer ${otherWorkspace}`,
      `Bearer ${ws.admin.token}x`,
      `Bearer ${'a'.repeat(5000)}`,
      `Bearer ${ws.admin.token} ${ws.admin.token}`,
      `Basic ${Buffer.from(`${ws.admin.email}:${PASSWORD}`).toString('base64')}`,
      ws.admin.token,
    ]) {
      const res = await api.get('/me', { headers: { authorization } });
      expectProblem(res, 401);
    }
    // The real one still works, and a public route ignores a bad bearer.
    expect((await api.get('/me', { token: ws.admin.token })).status).toBe(200);
    const publicLogin = await api.post(
      '/auth/login',
      { workspaceId: ws.id, email: ws.admin.email, password: PASSWORD },
      { headers: { authorization: 'Bearer nonsense' } },
    );
    expect(publicLogin.status).toBe(200);
  });

  it('logout revokes only the current session', async () => {
    const a = await login(api, ws.id, ws.admin.email);
    const b = await login(api, ws.id, ws.admin.email);
    const out = await api.post('/auth/logout', undefined, { token: a });
    expect(out.status).toBe(204);
    expectProblem(await api.get('/me', { token: a }), 401);
    expectProblem(await api.get('/tickets', { token: a }), 401);
    expectProblem(await api.post('/auth/logout', undefined, { token: a }), 401);
    expect((await api.get('/me', { token: b })).status).toBe(200);
    expect((await api.get('/me', { token: ws.admin.token })).status).toBe(200);
  });

  it('an expired or revoked session is 401', async () => {
    const token = await login(api, ws.id, ws.admin.email);
    expect((await api.get('/me', { token })).status).toBe(200);
    const db = server.database.handle.db;
    // Expire every session but the admin's original one.
    const { sha256 } = await import('../../src/auth/tokens.js');
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', sha256(token))
      .execute();
    expectProblem(await api.get('/me', { token }), 401);
    const revoked = await login(api, ws.id, ws.admin.email);
    await db
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('token_hash', '=', sha256(revoked))
      .execute();
    expectProblem(await api.get('/me', { token: revoked }), 401);
    // Only hashes are stored, never the token itself.
    const stored = await db.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(token);
  });

  it('a deactivated member cannot sign in and their sessions end for good (issue 10 item 1)', async () => {
    const agent = await ws.member('agent');
    expect((await api.get('/me', { token: agent.token })).status).toBe(200);
    const off = await api.patch(`/members/${agent.id}`, { active: false }, { token: ws.admin.token });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expectProblem(await api.get('/me', { token: agent.token }), 401);
    expectProblem(
      await api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: PASSWORD }),
      401,
      'invalid_credentials',
    );
    const on = await api.patch(`/members/${agent.id}`, { active: true }, { token: ws.admin.token });
    expect(on.status).toBe(200);
    // Reactivation brings no old session back: they sign in again.
    expectProblem(await api.get('/me', { token: agent.token }), 401);
    expect((await api.get('/me', { token: await login(api, ws.id, agent.email) })).status).toBe(200);
  });

  it("a session only reaches its own workspace's data", async () => {
    const other = await newWorkspace(api, {});
    const mine = await api.get('/members?limit=200', { token: ws.admin.token });
    const theirs = await api.get('/members?limit=200', { token: other.admin.token });
    const mineIds = new Set(mine.body.items.map((m: any) => m.id));
    expect(theirs.body.items.some((m: any) => mineIds.has(m.id))).toBe(false);
    expect((await api.get('/settings', { token: other.admin.token })).status).toBe(200);
  });
});

describe(`pagination (${engine})`, () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await newWorkspace(api, {});
    const customer = await ws.contact();
    for (let i = 0; i < 7; i++) await ws.ticket(customer, { subject: `Ticket ${i}` });
    await Promise.all(Array.from({ length: 5 }, () => ws.member()));
  });

  async function pageThrough(path: string, limit: number, from: string | null = null) {
    const pages: any[][] = [];
    let cursor: string | null = from;
    for (let i = 0; i < 50; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.get(url, { token: ws.admin.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      pages.push(res.body.items);
      cursor = res.body.nextCursor;
      if (cursor === null) break;
      expect(typeof cursor).toBe('string');
    }
    expect(cursor).toBeNull();
    return pages;
  }

  it('GET /tickets?limit=2 pages through every ticket once, newest first', async () => {
    const pages = await pageThrough('/tickets', 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    const items = pages.flat();
    expect(new Set(items.map((t) => t.id)).size).toBe(7);
    const numbers = items.map((t) => t.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    const all = await api.get('/tickets', { token: ws.admin.token });
    expect(all.body.items.map((t: any) => t.id)).toEqual(items.map((t) => t.id));
    expect(all.body.nextCursor).toBeNull();
    for (const t of items) expect(t).toHaveProperty('approvalStatus');
  });

  it('a page exactly as long as what is left ends with nextCursor null', async () => {
    const pages = await pageThrough('/tickets', 7);
    expect(pages.map((p) => p.length)).toEqual([7]);
    const byOne = await pageThrough('/tickets', 1);
    expect(byOne).toHaveLength(7);
  });

  it('GET /members?limit=2 pages through every member once', async () => {
    const pages = await pageThrough('/members', 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    const ids = pages.flat().map((m) => m.id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toContain(ws.admin.id);
    const all = await api.get('/members?limit=200', { token: ws.admin.token });
    expect(new Set(all.body.items.map((m: any) => m.id))).toEqual(new Set(ids));
  });

  it('pages stay stable when new items arrive between calls', async () => {
    const first = await api.get('/tickets?limit=3', { token: ws.admin.token });
    const customer = await ws.contact();
    const newer = await ws.ticket(customer, { subject: 'Arrived later' });
    const rest = await pageThrough('/tickets', 3, first.body.nextCursor);
    const seen = [...first.body.items, ...rest.flat()].map((t) => t.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain(newer.id);
    expect(seen).toHaveLength(7);
  });

  it('limit over 200, under 1 or not a number is 400; 200 is allowed', async () => {
    for (const path of ['/tickets', '/members', '/contacts']) {
      for (const limit of ['201', '1000', '0', '-1', 'ten', '2.5']) {
        const res = await api.get(`${path}?limit=${limit}`, { token: ws.admin.token });
        expectProblem(res, 400, 'invalid_request');
        expect(res.body.errors.map((e: any) => e.field)).toContain('query.limit');
      }
      expect((await api.get(`${path}?limit=200`, { token: ws.admin.token })).status).toBe(200);
    }
  });

  it('a bad cursor is 400', async () => {
    const membersCursor = (await api.get('/members?limit=1', { token: ws.admin.token })).body.nextCursor;
    const ticketsCursor = (await api.get('/tickets?limit=1', { token: ws.admin.token })).body.nextCursor;
    const bad = [
      'garbage',
      '!!!',
      Buffer.from('{"n":"x"}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
      'x'.repeat(501),
    ];
    for (const cursor of [...bad, membersCursor]) {
      const res = await api.get(`/tickets?cursor=${encodeURIComponent(cursor)}`, { token: ws.admin.token });
      expectProblem(res, 400, 'invalid_request');
      expect(res.body.errors.map((e: any) => e.field)).toContain('query.cursor');
    }
    for (const cursor of [...bad, ticketsCursor]) {
      const res = await api.get(`/members?cursor=${encodeURIComponent(cursor)}`, { token: ws.admin.token });
      expectProblem(res, 400, 'invalid_request');
    }
  });
});

describe(`API description and operations (${engine})`, () => {
  const SPEC_PATHS: Array<[string, string]> = [
    ['post', '/api/v1/signup'],
    ['post', '/api/v1/auth/login'],
    ['get', '/api/v1/me'],
    ['get', '/api/v1/settings'],
    ['patch', '/api/v1/settings'],
    ['post', '/api/v1/members'],
    ['post', '/api/v1/contacts'],
    ['post', '/api/v1/tickets'],
    ['get', '/api/v1/tickets'],
    ['get', '/api/v1/tickets/{id}'],
    ['patch', '/api/v1/tickets/{id}'],
    ['post', '/api/v1/tickets/{id}/messages'],
    ['get', '/api/v1/tickets/{id}/activity'],
    ['post', '/api/v1/approval-groups'],
    ['post', '/api/v1/approval-templates'],
    ['post', '/api/v1/tickets/{id}/approvals'],
    ['get', '/api/v1/tickets/{id}/approvals'],
    ['get', '/api/v1/approvals/{id}'],
    ['post', '/api/v1/approvals/{id}/decisions'],
    ['post', '/api/v1/approvals/{id}/comments'],
    ['patch', '/api/v1/approvals/{id}/recipients'],
    ['post', '/api/v1/approvals/{id}/reminders'],
    ['post', '/api/v1/approvals/{id}/cancel'],
    ['post', '/api/v1/approvals/{id}/appeal'],
    ['post', '/api/v1/approvals/{id}/appeal/decisions'],
    ['get', '/api/v1/me/approval-tasks'],
  ];

  it('GET /api/v1/openapi.json is OpenAPI 3.1 with every path of SPEC §5', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc: any = await res.json();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    const missing = SPEC_PATHS.filter(([method, path]) => !doc.paths?.[path]?.[method]);
    expect(missing).toEqual([]);
    // Request bodies are described, e.g. the decision body with its enum.
    const decision = doc.paths['/api/v1/approvals/{id}/decisions'].post;
    expect(JSON.stringify(decision.requestBody)).toContain('approve');
    expect(doc.components?.securitySchemes?.bearer?.scheme).toBe('bearer');
  });

  it('GET /docs answers 200 HTML', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/<html/i);
  });

  it('GET /healthz and GET /readyz answer 200', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('every kind of answer carries x-content-type-options: nosniff', async () => {
    const ws = await newWorkspace(api, {});
    const answers = [
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/api/v1/openapi.json`),
      await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${ws.admin.token}` } }),
      await fetch(`${server.url}/api/v1/me`),
      await fetch(`${server.url}/api/v1/nowhere`),
      await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
    ];
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), res.url).toBe('DENY');
      await res.arrayBuffer();
    }
  });

  it('errors are RFC 9457 problems with type, title, status, code and detail', async () => {
    const res = await api.get('/me');
    expectProblem(res, 401);
    expect(Object.keys(res.body)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']),
    );
    expect(res.body.title).toBe('Unauthorized');
  });
});
