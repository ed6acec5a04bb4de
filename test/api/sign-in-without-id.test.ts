import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, PASSWORD, type Workspace } from '../support/workspace.js';

/**
 * SPEC §8.3 "Sign-in without ids" and §8.6: `POST /auth/login {email, password}` without `workspaceId`
 * finds the address's accounts in every workspace; one whose password matches signs in, several answer
 * `409 choose_workspace {workspaces:[{id, name, slug}]}`, none `401` (never 409, so a stranger learns
 * nothing). The portal's `/portal/{slug}` finds its workspace through `GET /workspaces/by-slug/{slug}`.
 */

let server: TestServer;
let api: Client;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
});
afterAll(() => server?.close());

const unique = () => randomBytes(4).toString('hex');

function expectProblem(res: Response, status: number, code: string) {
  const detail = JSON.stringify(res.body);
  expect(res.status, detail).toBe(status);
  expect(res.headers.get('content-type'), detail).toMatch(/^application\/problem\+json/);
  expect(res.body.code, detail).toBe(code);
}

async function addMember(ws: Workspace, email: string, password = PASSWORD) {
  const res = await api.post(
    '/members',
    { name: 'Sam Same', email, role: 'agent', password },
    { token: ws.admin.token },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

async function addContact(ws: Workspace, email: string, password = PASSWORD) {
  const res = await api.post('/contacts', { name: 'Sam Same', email, password }, { token: ws.admin.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

async function workspaceName(ws: Workspace): Promise<string> {
  const row = await server.database.handle.db
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', ws.id)
    .executeTakeFirstOrThrow();
  return row.name;
}

describe(`sign-in with email and password only (SPEC §8.3, §8.6, ${engine})`, () => {
  it('one workspace: the account signs in without workspaceId, into its workspace', async () => {
    const ws = await newWorkspace(api);
    const email = `solo-${unique()}@example.test`;
    const member = await addMember(ws, email);
    const res = await api.post('/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toEqual({ type: 'member', id: member.id });
    const me = await api.get('/me', { token: res.body.token });
    expect(me.body).toMatchObject({ id: member.id, workspaceId: ws.id });
  });

  it('a contact signs in without workspaceId too', async () => {
    const ws = await newWorkspace(api);
    const email = `customer-${unique()}@example.test`;
    const contact = await addContact(ws, email);
    const res = await api.post('/auth/login', { email, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toEqual({ type: 'contact', id: contact.id });
  });

  it('two workspaces where the password matches: 409 choose_workspace with {id, name, slug} of each, then the chosen id signs in', async () => {
    const a = await newWorkspace(api);
    const b = await newWorkspace(api);
    const email = `twice-${unique()}@example.test`;
    const inA = await addMember(a, email);
    const inB = await addContact(b, email);
    const res = await api.post('/auth/login', { email, password: PASSWORD });
    expectProblem(res, 409, 'choose_workspace');
    const expected = [
      { id: a.id, name: await workspaceName(a), slug: a.slug },
      { id: b.id, name: await workspaceName(b), slug: b.slug },
    ];
    expect(res.body.workspaces).toHaveLength(2);
    expect(res.body.workspaces).toEqual(expect.arrayContaining(expected));
    // Nothing else about the accounts: no person ids, no types.
    for (const w of res.body.workspaces) expect(Object.keys(w).sort()).toEqual(['id', 'name', 'slug']);

    const chosen = await api.post('/auth/login', { email, password: PASSWORD, workspaceId: b.id });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body.principal).toEqual({ type: 'contact', id: inB.id });
    const other = await api.post('/auth/login', { email, password: PASSWORD, workspaceId: a.id });
    expect(other.body.principal).toEqual({ type: 'member', id: inA.id });
  });

  it('two workspaces, the password of only one: that one signs in (no chooser)', async () => {
    const a = await newWorkspace(api);
    const b = await newWorkspace(api);
    const email = `differs-${unique()}@example.test`;
    await addMember(a, email, 'the password of a');
    const inB = await addMember(b, email, 'the password of b');
    const res = await api.post('/auth/login', { email, password: 'the password of b' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toEqual({ type: 'member', id: inB.id });
  });

  it('a wrong password in both workspaces is 401, never 409: it does not tell where the email is known', async () => {
    const a = await newWorkspace(api);
    const b = await newWorkspace(api);
    const email = `wrong-${unique()}@example.test`;
    await addMember(a, email);
    await addContact(b, email);
    const res = await api.post('/auth/login', { email, password: 'not the password at all' });
    expectProblem(res, 401, 'invalid_credentials');
    expect(res.body.workspaces).toBeUndefined();
  });

  it('an unknown email is the same 401', async () => {
    const res = await api.post('/auth/login', {
      email: `nobody-${unique()}@example.test`,
      password: PASSWORD,
    });
    expectProblem(res, 401, 'invalid_credentials');
  });

  it('a deactivated member opens nothing: with an active account elsewhere, that one signs in alone', async () => {
    const a = await newWorkspace(api);
    const b = await newWorkspace(api);
    const email = `gone-${unique()}@example.test`;
    const inA = await addMember(a, email);
    const inB = await addMember(b, email);
    const off = await api.patch(`/members/${inA.id}`, { active: false }, { token: a.admin.token });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const res = await api.post('/auth/login', { email, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.principal).toEqual({ type: 'member', id: inB.id });
  });

  it('the 409 is in the OpenAPI document: a problem+json ChooseWorkspaceProblem with its workspaces', async () => {
    const doc = (await api.get('/openapi.json')).body;
    const answer = doc.paths['/api/v1/auth/login'].post.responses['409'];
    expect(answer.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/ChooseWorkspaceProblem',
    });
    const schema = doc.components.schemas.ChooseWorkspaceProblem;
    expect(schema.required).toEqual(expect.arrayContaining(['code', 'workspaces']));
    expect(
      doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.not.arrayContaining(['workspaceId']));
  });
});

describe(`sign-in without workspaceId is rate-limited (SPEC §5, §8.3, ${engine})`, () => {
  it('failures without a workspace count against the address: 429 with Retry-After once the limit is reached', async () => {
    const limited = await startServer({ rateLimits: { loginFailures: { max: 3, windowSeconds: 900 } } });
    try {
      const own = client(limited.url);
      const email = `guess-${unique()}@example.test`;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await own.post('/auth/login', { email, password: `guess ${i}` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const refused = await own.post('/auth/login', { email, password: 'guess 9' });
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe(`the portal's address /portal/{slug} (SPEC §8.3, ${engine})`, () => {
  it('GET /workspaces/by-slug/{slug} answers the workspace {id, name, slug} to anyone, ignoring case', async () => {
    const ws = await newWorkspace(api);
    const res = await api.get(`/workspaces/by-slug/${ws.slug.toUpperCase()}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ id: ws.id, name: await workspaceName(ws), slug: ws.slug });
  });

  it('an unknown slug is 404, a malformed one 400', async () => {
    expectProblem(await api.get(`/workspaces/by-slug/no-such-${unique()}`), 404, 'not_found');
    expectProblem(await api.get('/workspaces/by-slug/a'), 400, 'invalid_request');
  });
});
