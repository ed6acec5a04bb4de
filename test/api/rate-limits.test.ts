import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/shared/http/types.js';
import { client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, PASSWORD } from '../support/workspace.js';

/**
 * SPEC §5 abuse limits: 429 with Retry-After. Every request here comes from
 * 127.0.0.1, so each scenario gets a server (and database) of its own.
 */

// One server with every real limit, its counters cleared before each scenario; the
// short-window scenario has its own.
let real: TestServer;
const servers: TestServer[] = [];
async function fresh(rateLimits?: Parameters<typeof startServer>[0]) {
  if (!rateLimits) return { server: real, api: client(real.url) };
  const server = await startServer(rateLimits);
  servers.push(server);
  return { server, api: client(server.url) };
}
beforeAll(async () => {
  real = await startServer({ rateLimits: DEFAULT_RATE_LIMITS });
});
beforeEach(async () => {
  await real.database.handle.db.deleteFrom('rate_limits').execute();
});
afterAll(async () => {
  await Promise.all([...servers.splice(0), real].filter(Boolean).map((s) => s.close()));
});

const unique = () => randomBytes(4).toString('hex');

/**
 * A POST from another loopback address (127.0.0.2, 127.0.0.3, …): the server sees it as
 * another client, as it would see another machine.
 */
function postFrom(
  server: TestServer,
  localAddress: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any; ms: number }> {
  const url = new URL(`${server.url}/api/v1${path}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? JSON.parse(text) : null,
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function expectLimited(res: Response, maxSeconds: number) {
  const detail = JSON.stringify(res.body);
  expect(res.status, detail).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('rate_limited');
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter, 'Retry-After header').toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
}

describe(`abuse limits (${engine})`, () => {
  it('the defaults are those of SPEC §5', () => {
    expect(DEFAULT_RATE_LIMITS.loginFailures).toEqual({ max: 10, windowSeconds: 15 * 60 });
    expect(DEFAULT_RATE_LIMITS.signups).toEqual({ max: 20, windowSeconds: 60 * 60 });
    expect(DEFAULT_RATE_LIMITS.approvalLinks).toEqual({ max: 120, windowSeconds: 60 });
  });

  it('with the real limit, 10 failed sign-ins are 401 and the 11th is 429 with Retry-After; successful ones are never throttled', async () => {
    const { api, server } = await fresh();
    const ws = await newWorkspace(api, {});
    const agent = await ws.member();
    const right = { workspaceId: ws.id, email: ws.admin.email, password: PASSWORD };
    const wrong = { ...right, password: 'not the password' };

    // Successful sign-ins, many more than the limit, one after another or all at once, are
    // never refused and do not count.
    for (let i = 0; i < 12; i++) expect((await api.post('/auth/login', right)).status).toBe(200);
    const burst = await Promise.all(Array.from({ length: 25 }, () => api.post('/auth/login', right)));
    expect(burst.map((r) => r.status)).toEqual(Array(25).fill(200));

    for (let i = 1; i <= 10; i++) {
      const res = await api.post('/auth/login', wrong);
      expect(res.status, `failure ${i}: ${JSON.stringify(res.body)}`).toBe(401);
    }
    const db = server.database.handle.db;
    const sessions = async () => (await db.selectFrom('sessions').select('token_hash').execute()).length;
    const before = await sessions();
    expectLimited(await api.post('/auth/login', wrong), 15 * 60);
    // Refused now from this address, even with the right password, for this account and any other.
    expectLimited(await api.post('/auth/login', right), 15 * 60);
    expectLimited(
      await api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: PASSWORD }),
      15 * 60,
    );
    expect(await sessions()).toBe(before);
    // Issue 10 item 4: the owner, from another address, still signs in.
    const owner = await postFrom(server, '127.0.0.2', '/auth/login', right);
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    // Ordinary calls of people already signed in are not throttled.
    for (let i = 0; i < 15; i++) expect((await api.get('/me', { token: ws.admin.token })).status).toBe(200);
    expect((await api.get('/tickets', { token: agent.token })).status).toBe(200);
  });

  it('simultaneous failed sign-ins cannot slip past the limit', async () => {
    const { api } = await fresh();
    const ws = await newWorkspace(api, {});
    const wrong = { workspaceId: ws.id, email: ws.admin.email, password: 'guess guess' };
    const results = await Promise.all(Array.from({ length: 30 }, () => api.post('/auth/login', wrong)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length, JSON.stringify(statuses)).toBe(10);
    expect(
      statuses.filter((s) => s !== 401 && s !== 429),
      JSON.stringify(statuses),
    ).toEqual([]);
    expectLimited(await api.post('/auth/login', { ...wrong, password: PASSWORD }), 15 * 60);
  });

  it('a short window: locked after the limit, open again once the window has passed', async () => {
    const { api } = await fresh({ rateLimits: { loginFailures: { max: 3, windowSeconds: 2 } } });
    const ws = await newWorkspace(api, {});
    const right = { workspaceId: ws.id, email: ws.admin.email, password: PASSWORD };
    const unknown = { workspaceId: ws.id, email: `ghost-${unique()}@example.test`, password: PASSWORD };
    // Failures for an address that has no account count too.
    for (let i = 0; i < 3; i++) expect((await api.post('/auth/login', unknown)).status).toBe(401);
    expectLimited(await api.post('/auth/login', unknown), 2);
    expectLimited(await api.post('/auth/login', right), 2);
    await new Promise((r) => setTimeout(r, 2300));
    const res = await api.post('/auth/login', right);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('issue 10 item 4: failures from one address never lock the owner out from another; the account is slowed, not locked', async () => {
    const { api, server } = await fresh();
    const ws = await newWorkspace(api, {});
    const right = { workspaceId: ws.id, email: ws.admin.email, password: PASSWORD };
    const wrong = { ...right, password: 'not the password' };
    // Ten failures from one address: that address is refused, even with the right password.
    for (let i = 0; i < 10; i++) {
      expect((await postFrom(server, '127.0.0.2', '/auth/login', wrong)).status).toBe(401);
    }
    expect((await postFrom(server, '127.0.0.2', '/auth/login', right)).status).toBe(429);
    // From an address that never failed, the right password works at once… after the slowdown.
    const owner = await postFrom(server, '127.0.0.4', '/auth/login', right);
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    expect(owner.ms).toBeGreaterThanOrEqual(900);
    // And from the attacker's addresses the owner's ordinary API calls are not throttled.
    expect((await api.get('/me', { token: owner.body.token })).status).toBe(200);
    // A guess from yet another address is answered (401, not 429), slowly.
    const guess = await postFrom(server, '127.0.0.5', '/auth/login', wrong);
    expect(guess.status).toBe(401);
    expect(guess.ms).toBeGreaterThanOrEqual(900);
  });

  it('the account key ignores the case and spaces of the workspace id and email', async () => {
    const { server } = await fresh({ rateLimits: { loginFailures: { max: 3, windowSeconds: 60 } } });
    const api = client(server.url);
    const ws = await newWorkspace(api, {});
    const spellings = [ws.id, ws.id.toUpperCase(), ws.id];
    for (const [i, workspaceId] of spellings.entries()) {
      const email = i === 1 ? ` ${ws.admin.email.toUpperCase()} ` : ws.admin.email;
      const res = await postFrom(server, '127.0.0.6', '/auth/login', {
        workspaceId,
        email,
        password: 'wrong wrong',
      });
      expect(res.status).toBe(401);
    }
    const count = await server.database.handle.db
      .selectFrom('rate_limits')
      .select(['key', 'count'])
      .where('key', 'like', 'login-fail:account:%')
      .execute();
    expect(count).toEqual([{ key: `login-fail:account:${ws.id}:${ws.admin.email}`, count: 3 }]);
    expect(
      (
        await postFrom(server, '127.0.0.6', '/auth/login', {
          workspaceId: ws.id.toUpperCase(),
          email: ws.admin.email,
          password: PASSWORD,
        })
      ).status,
    ).toBe(429);
  });

  it('sign-in links and password resets: 429 with Retry-After per address after 10 requests; other addresses still get 202', async () => {
    const { api, server } = await fresh();
    const ws = await newWorkspace(api, {});
    for (const path of ['/auth/sign-in-links', '/auth/password-resets']) {
      const body = { workspaceId: ws.id, email: `someone-${unique()}@example.test` };
      for (let i = 0; i < 10; i++) expect((await postFrom(server, '127.0.0.7', path, body)).status).toBe(202);
      const limited = await api.request('POST', path, { body, headers: {} });
      expect(limited.status).toBe(202); // 127.0.0.1 is another address
      const refused = await postFrom(server, '127.0.0.7', path, body);
      expect(refused.status).toBe(429);
      expect((await postFrom(server, '127.0.0.8', path, body)).status).toBe(202);
    }
  });

  it('sign-in link and reset requests are answered before any account is looked up, so known and unknown addresses take the same time', async (context) => {
    // Before the fix a known contact took 10-15 ms and an unknown one 4 ms (issue 10 item 4).
    // Timings on a shared machine are too noisy to compare; instead the people tables are locked
    // against every read, and the answer must still come, which it can only do before a lookup.
    // PGlite has one connection, which the lock would take from the server too: PostgreSQL only.
    if (engine === 'pglite') return context.skip();
    const { api, server } = await fresh();
    const ws = await newWorkspace(api, {});
    const contact = await ws.contact();
    const db = server.database.handle.db;
    for (const path of ['/auth/sign-in-links', '/auth/password-resets']) {
      await db.transaction().execute(async (tx) => {
        await sql`LOCK TABLE members, contacts IN ACCESS EXCLUSIVE MODE`.execute(tx);
        const answered = await Promise.race([
          api.post(path, { workspaceId: ws.id, email: contact.email }),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000)),
        ]);
        expect(answered?.status, `${path} answered while the people tables were locked`).toBe(202);
      });
    }
    // Once the lock is gone, the emails are queued.
    const deadline = Date.now() + 5000;
    let queued = 0;
    while (queued < 2 && Date.now() < deadline) {
      queued = (await db.selectFrom('outbox').select('id').where('recipient_id', '=', contact.id).execute())
        .length;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(queued).toBe(2);
  });

  it('with the real limit, 20 signups an hour from one address are allowed, even all at once, and the 21st is 429', async () => {
    const { api, server } = await fresh();
    const signup = () =>
      api.post('/signup', {
        workspaceName: `WS ${unique()}`,
        name: 'Sam',
        email: `sam-${unique()}@example.test`,
        password: PASSWORD,
      });
    const results = await Promise.all(Array.from({ length: 24 }, signup));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length, JSON.stringify(statuses)).toBe(20);
    expect(
      statuses.filter((s) => s !== 201 && s !== 429),
      JSON.stringify(statuses),
    ).toEqual([]);
    for (const r of results.filter((r) => r.status === 429)) expectLimited(r, 3600);
    const db = server.database.handle.db;
    const workspaces = async () => (await db.selectFrom('workspaces').select('id').execute()).length;
    const before = await workspaces();
    expectLimited(await signup(), 3600);
    expect(await workspaces()).toBe(before);
    // Signing in is another matter.
    const first = results.find((r) => r.status === 201)!.body;
    expect((await api.get('/me', { token: first.token })).status).toBe(200);
  });
});
