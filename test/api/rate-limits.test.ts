import { randomBytes } from 'node:crypto';
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
    // Locked out now, even with the right password, for this account and from this address.
    expectLimited(await api.post('/auth/login', right), 15 * 60);
    expectLimited(
      await api.post('/auth/login', { workspaceId: ws.id, email: agent.email, password: PASSWORD }),
      15 * 60,
    );
    expect(await sessions()).toBe(before);
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
