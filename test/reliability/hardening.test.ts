import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { mintLink } from '../../src/approvals/links/repo.js';
import { principalFromToken } from '../../src/auth/authenticate.js';
import { hashPassword, PASSWORD_PARAMS_DOC } from '../../src/auth/passwords.js';
import { mintSignInLink } from '../../src/auth/sign-in-links.js';
import { randomToken, sha256 } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/shared/config.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../src/shared/http/types.js';
import { expectProblem, expectStatus, memberRef } from '../support/approvals.js';
import { type Client, client, type Response } from '../support/client.js';
import { engine, openTestDatabase, type TestDatabase } from '../support/database.js';
import { login, newWorkspace, PASSWORD, type Person, type Workspace } from '../support/workspace.js';
import { operationsOf } from './support/fuzz-cases.js';
import { snapshot } from './support/fuzz-db.js';

/**
 * SPEC §4, §5, §7 hardening: abuse limits, security headers, cookie flags, CSRF, constant-time
 * token handling and documented password hashing (docs/security.md).
 */

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Server = { url: string; api: Client; database: TestDatabase; close(): Promise<void> };

/**
 * The real app on a loopback port over a fresh database, with the given environment and
 * abuse limits (none given: the app's own defaults, exactly as production builds it).
 */
async function serve(
  opts: { env?: Record<string, string>; rateLimits?: Partial<RateLimits> } = {},
): Promise<Server> {
  const database = await openTestDatabase();
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: '',
    SMTP_URL: '',
    ...opts.env,
  });
  const app = await buildApp({
    database: database.handle,
    config,
    logger: false,
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    api: client(url),
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

const GENEROUS: RateLimits = {
  loginFailures: { max: 10_000, windowSeconds: 900 },
  signups: { max: 10_000, windowSeconds: 3600 },
  approvalLinks: { max: 10_000, windowSeconds: 60 },
};

function expectLimited(res: Response, windowSeconds: number) {
  expectProblem(res, 429, 'rate_limited');
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter, 'Retry-After').toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
  expectSecurityHeaders(res.headers, '429');
}

function expectSecurityHeaders(headers: Headers, where: string) {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, `${where}: Content-Security-Policy`).toMatch(/frame-ancestors 'none'/);
  expect(csp, `${where}: no unsafe script sources`).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  expect(headers.get('x-content-type-options'), `${where}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers.get('x-frame-options'), `${where}: X-Frame-Options`).toBe('DENY');
}

const unique = () => Math.random().toString(36).slice(2, 8);

describe(`abuse limits: 429 with Retry-After (${engine})`, () => {
  let server: Server;
  let ws: Workspace;
  const LIMITS: RateLimits = {
    loginFailures: { max: 3, windowSeconds: 60 },
    signups: { max: 2, windowSeconds: 60 },
    approvalLinks: { max: 5, windowSeconds: 4 },
  };

  beforeAll(async () => {
    server = await serve({ rateLimits: LIMITS });
    ws = await newWorkspace(server.api, { approvalsEnabled: true });
  }, 60_000);
  beforeEach(async () => {
    await server.database.handle.db.deleteFrom('rate_limits').execute();
  });
  afterAll(() => server?.close());

  it('sign-in: the failures past the limit are 429, then even the right password waits; signed-in calls go on', async () => {
    const { api } = server;
    const wrong = { workspaceId: ws.id, email: ws.admin.email, password: 'not the password' };
    for (let i = 0; i < LIMITS.loginFailures.max; i++)
      expectProblem(await api.post('/auth/login', wrong), 401, 'invalid_credentials');
    expectLimited(await api.post('/auth/login', wrong), 60);
    expectLimited(await api.post('/auth/login', { ...wrong, password: PASSWORD }), 60);
    // A cookie sign-in is the same sign-in.
    expectLimited(await api.post('/auth/login', { ...wrong, password: PASSWORD, session: 'cookie' }), 60);
    for (let i = 0; i < 10; i++) expectStatus(await api.get('/me', { token: ws.admin.token }), 200);
  });

  it('sign-in links: asking for more than the limit is 429, whether or not the address is a customer', async () => {
    const { api } = server;
    const ask = () =>
      api.post('/auth/sign-in-links', { workspaceId: ws.id, email: `nobody-${unique()}@example.test` });
    for (let i = 0; i < LIMITS.loginFailures.max; i++) expect((await ask()).status).toBe(202);
    expectLimited(await ask(), 60);
  });

  it('signup: past the limit from one address is 429 and creates nothing', async () => {
    const { api } = server;
    const signup = () =>
      api.post('/signup', {
        workspaceName: 'Limited',
        name: 'Sam',
        email: `sam-${unique()}@example.test`,
        password: PASSWORD,
      });
    for (let i = 0; i < LIMITS.signups.max; i++) expectStatus(await signup(), 201);
    const db = server.database.handle.db;
    const before = (await db.selectFrom('workspaces').select('id').execute()).length;
    expectLimited(await signup(), 60);
    expect((await db.selectFrom('workspaces').select('id').execute()).length).toBe(before);
  });

  it('approval links: GET, POST and sign-in link redemptions share one per-address budget, which comes back after the window', async () => {
    const { api } = server;
    const probe = () => api.get(`/approval-links/${randomToken()}`);
    const answers: Response[] = [];
    for (let i = 0; i < LIMITS.approvalLinks.max; i++) answers.push(await probe());
    for (const res of answers) expectProblem(res, 410, 'link_inactive');
    const limited = [
      await probe(),
      await api.post(`/approval-links/${randomToken()}/decisions`, { decision: 'approve' }),
      await api.post('/auth/sign-in-links/redeem', { token: randomToken() }),
    ];
    for (const res of limited) {
      expectLimited(res, LIMITS.approvalLinks.windowSeconds);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    // Ordinary calls are not held back; the link budget returns once its window has passed.
    expectStatus(await api.get('/tickets', { token: ws.admin.token }), 200);
    await new Promise((r) => setTimeout(r, LIMITS.approvalLinks.windowSeconds * 1000 + 300));
    expectProblem(await probe(), 410, 'link_inactive');
  });
});

describe(`the real abuse limits are SPEC §5's (${engine})`, () => {
  // SPEC §5: "failed sign-ins per account and per address (10 failures in 15 minutes), signups per
  // address (20 an hour), approval-link calls per address (120 a minute)".
  const SPEC: RateLimits = {
    loginFailures: { max: 10, windowSeconds: 15 * 60 },
    signups: { max: 20, windowSeconds: 60 * 60 },
    approvalLinks: { max: 120, windowSeconds: 60 },
  };
  let server: Server;
  beforeAll(async () => {
    // Built without rateLimits, as src/main.ts builds it: whatever the app defaults to is what runs.
    server = await serve();
  }, 60_000);
  afterAll(() => server?.close());

  it('DEFAULT_RATE_LIMITS holds the numbers of SPEC §5', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual(SPEC);
  });

  it('an app built with no limits given enforces them: 20 signups, 10 failed sign-ins, 120 link calls', async () => {
    const { api } = server;
    const signups: Response[] = [];
    for (let i = 0; i <= SPEC.signups.max; i++) {
      signups.push(
        await api.post('/signup', {
          workspaceName: 'Real',
          name: 'R',
          email: `r-${unique()}@example.test`,
          password: PASSWORD,
        }),
      );
    }
    expect(signups.slice(0, SPEC.signups.max).map((r) => r.status)).toEqual(
      Array(SPEC.signups.max).fill(201),
    );
    expectLimited(signups.at(-1)!, SPEC.signups.windowSeconds);

    const first = signups[0]!.body;
    const wrong = {
      workspaceId: first.workspace.id,
      email: `nobody-${unique()}@example.test`,
      password: 'wrong password',
    };
    for (let i = 0; i < SPEC.loginFailures.max; i++)
      expect((await api.post('/auth/login', wrong)).status).toBe(401);
    expectLimited(await api.post('/auth/login', wrong), SPEC.loginFailures.windowSeconds);

    const links = await Promise.all(
      Array.from({ length: SPEC.approvalLinks.max }, () => api.get(`/approval-links/${randomToken()}`)),
    );
    expect(links.filter((r) => r.status !== 410)).toEqual([]);
    expectLimited(await api.get(`/approval-links/${randomToken()}`), SPEC.approvalLinks.windowSeconds);
    expectStatus(await api.get('/me', { token: first.token }), 200);
  });
});

describe(`security headers on API answers, pages and errors (${engine})`, () => {
  let server: Server;
  let ws: Workspace;
  let approver: Person;
  let link: string;
  let approvalId: string;

  beforeAll(async () => {
    server = await serve({ rateLimits: GENEROUS });
    ws = await newWorkspace(server.api, { approvalsEnabled: true });
    approver = await ws.member();
    const customer = await ws.contact();
    const ticket = await ws.ticket(customer);
    const approval = expectStatus(
      await server.api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Headers', approvers: [memberRef(approver)] },
        { token: ws.admin.token },
      ),
      201,
    );
    approvalId = approval.id;
    ({ token: link } = await mintLink(server.database.handle.db, {
      workspaceId: ws.id,
      approvalId,
      stepIndex: 0,
      person: { type: 'member', id: approver.id },
      outboxId: null,
      expiresAt: new Date(Date.now() + 3600_000),
    }));
  }, 60_000);
  afterAll(() => server?.close());

  const raw = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  const bearer = () => ({ authorization: `Bearer ${ws.admin.token}` });
  const json = { 'content-type': 'application/json' };

  it('every kind of answer carries CSP with frame-ancestors none, nosniff and X-Frame-Options DENY', async () => {
    const answers: Array<[string, globalThis.Response]> = [
      ['API 200', await raw('/api/v1/me', { headers: bearer() })],
      [
        'API 201',
        await raw('/api/v1/tickets', {
          method: 'POST',
          headers: { ...bearer(), ...json },
          body: JSON.stringify({ subject: 'S', body: 'B', requesterId: (await ws.contact()).id }),
        }),
      ],
      ['OpenAPI', await raw('/api/v1/openapi.json')],
      ['docs', await raw('/docs')],
      ['healthz', await raw('/healthz')],
      ['400 invalid_request', await raw('/api/v1/tickets?limit=0', { headers: bearer() })],
      [
        '400 invalid_json',
        await raw('/api/v1/tickets', { method: 'POST', headers: { ...bearer(), ...json }, body: '{' }),
      ],
      ['401', await raw('/api/v1/me')],
      [
        '403',
        await raw('/api/v1/settings', {
          method: 'PATCH',
          headers: { authorization: `Bearer ${approver.token}`, ...json },
          body: '{}',
        }),
      ],
      ['404 unknown id', await raw(`/api/v1/tickets/${crypto.randomUUID()}`, { headers: bearer() })],
      ['404 unknown route', await raw('/api/v1/nowhere')],
      [
        '409',
        await raw(`/api/v1/approvals/${approvalId}/appeal`, {
          method: 'POST',
          headers: { ...bearer(), ...json },
          body: '{"reason":"r"}',
        }),
      ],
      [
        '413',
        await raw('/api/v1/signup', {
          method: 'POST',
          headers: json,
          body: `{"x":"${'a'.repeat(1024 * 1024)}"}`,
        }),
      ],
      [
        '415',
        await raw('/api/v1/signup', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }),
      ],
      ['router 400 (bad escape)', await raw('/api/v1/tickets/%E0%A4%A', { headers: bearer() })],
      ['router 404 (long segment)', await raw(`/api/v1/tickets/${'a'.repeat(200)}`, { headers: bearer() })],
      [
        '431 (headers over 16 KiB)',
        await raw('/api/v1/me', { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } }),
      ],
      ['page /', await raw('/')],
      ['page /portal', await raw('/portal')],
      ['page /respond/{token}', await raw(`/respond/${link}`)],
      ['page /dev/mailbox', await raw('/dev/mailbox')],
    ];
    for (const [where, res] of answers) {
      await res.arrayBuffer();
      expectSecurityHeaders(res.headers, `${where} (${res.status})`);
      if (res.status >= 400)
        expect(res.headers.get('content-type'), where).toMatch(/^application\/problem\+json/);
    }
    const statuses = Object.fromEntries(answers.map(([where, res]) => [where, res.status]));
    expect(statuses).toMatchObject({
      'API 201': 201,
      '409': 409,
      '413': 413,
      '415': 415,
      '431 (headers over 16 KiB)': 431,
    });
    // No HSTS over plain http.
    expect(answers[0]![1].headers.get('strict-transport-security')).toBeNull();
  });

  it('pages are the app HTML, and the response page never contains its token', async () => {
    for (const path of ['/', '/portal', `/respond/${link}`, `/respond/${link}?decision=approve`]) {
      const res = await raw(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html, path).toMatch(/<html/i);
      expect(html, path).not.toContain(link);
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
    const head = await raw(`/respond/${link}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('link API answers are Referrer-Policy no-referrer and no-store, whatever the outcome', async () => {
    const post = (token: string, body: unknown, headers: Record<string, string> = {}) =>
      raw(`/api/v1/approval-links/${token}/decisions`, {
        method: 'POST',
        headers: { ...json, ...headers },
        body: JSON.stringify(body),
      });
    const answers: Array<[string, globalThis.Response, boolean]> = [
      // §8.1: with sign-in required, an anonymous GET is 401 carrying only the workspace.
      ['401 page before sign-in', await raw(`/api/v1/approval-links/${link}`), true],
      ['HEAD', await raw(`/api/v1/approval-links/${link}`, { method: 'HEAD' }), true],
      ['410 unknown', await raw(`/api/v1/approval-links/${randomToken()}`), true],
      ['410 malformed (router)', await raw(`/api/v1/approval-links/${'x'.repeat(300)}`), true],
      ['400 no decision', await post(link, {}), false],
      ['401 sign_in_required', await post(link, { decision: 'approve' }), true],
      [
        '403 someone else',
        await post(link, { decision: 'approve' }, { authorization: `Bearer ${ws.admin.token}` }),
        true,
      ],
    ];
    for (const [where, res, noStore] of answers) {
      await res.arrayBuffer();
      expectSecurityHeaders(res.headers, where);
      expect(res.headers.get('referrer-policy'), where).toBe('no-referrer');
      if (noStore) expect(res.headers.get('cache-control'), where).toBe('no-store');
    }
    expect(answers.map(([, res]) => res.status)).toEqual([401, 401, 410, 410, 400, 401, 403]);
    // Still usable by its owner after all that.
    const mine = await post(link, { decision: 'approve' }, { authorization: `Bearer ${approver.token}` });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

/** Attributes of one Set-Cookie line, lower-cased names. */
function cookie(res: Response | globalThis.Response, name: string) {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  expect(line, `Set-Cookie ${name}: ${res.headers.getSetCookie().join(' | ')}`).toBeDefined();
  const [pair, ...attrs] = line!.split(';').map((s) => s.trim());
  const map = new Map(attrs.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=').slice(1).join('=')]));
  return { value: pair!.slice(name.length + 1), attrs: map, line: line! };
}

describe(`session cookies (${engine})`, () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));

  for (const [label, publicUrl, secure] of [
    ['http PUBLIC_URL', 'http://signoff.example.test', false],
    ['https PUBLIC_URL', 'https://signoff.example.test', true],
  ] as const) {
    it(`with ${label}: HttpOnly, SameSite=Lax, Path=/, ${secure ? 'Secure' : 'not Secure'}; the CSRF secret likewise`, async () => {
      const server = await serve({ env: { PUBLIC_URL: publicUrl }, rateLimits: GENEROUS });
      servers.push(server);
      const ws = await newWorkspace(server.api, {});
      const res = await server.api.post('/auth/login', {
        workspaceId: ws.id,
        email: ws.admin.email,
        password: PASSWORD,
        session: 'cookie',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // The token is in the cookie only, where scripts cannot read it.
      expect(res.body.token).toBeUndefined();
      expect(typeof res.body.csrfToken).toBe('string');
      const session = cookie(res, 'signoff_session');
      expect(session.attrs.has('httponly'), session.line).toBe(true);
      expect(session.attrs.get('samesite')?.toLowerCase(), session.line).toBe('lax');
      expect(session.attrs.get('path'), session.line).toBe('/');
      expect(session.attrs.has('secure'), session.line).toBe(secure);
      expect(Number(session.attrs.get('max-age')), session.line).toBe(30 * 24 * 3600);
      expect(session.attrs.has('domain'), session.line).toBe(false);
      const csrf = cookie(res, 'signoff_csrf_secret');
      expect(csrf.attrs.has('httponly'), csrf.line).toBe(true);
      expect(csrf.attrs.get('samesite')?.toLowerCase(), csrf.line).toBe('strict');
      expect(csrf.attrs.get('path'), csrf.line).toBe('/');
      expect(csrf.attrs.has('secure'), csrf.line).toBe(secure);
      expect(res.headers.get('strict-transport-security') !== null, 'HSTS exactly when https').toBe(secure);

      // The cookie works, and only its hash is stored.
      const jar = `signoff_session=${session.value}; signoff_csrf_secret=${csrf.value}`;
      expect((await server.api.get('/me', { headers: { cookie: jar } })).body.id).toBe(ws.admin.id);
      const stored = await server.database.handle.db.selectFrom('sessions').select('token_hash').execute();
      expect(stored.map((s) => s.token_hash)).toContain(sha256(decodeURIComponent(session.value)));

      // A sign-in link sets the same cookie.
      const contact = await ws.contact();
      const { token } = await mintSignInLink(server.database.handle.db, {
        workspaceId: ws.id,
        person: { type: 'contact', id: contact.id },
        nextPath: null,
      });
      const redeemed = await server.api.post('/auth/sign-in-links/redeem', { token });
      expect(redeemed.status).toBe(200);
      const fromLink = cookie(redeemed, 'signoff_session');
      expect(fromLink.attrs.has('httponly')).toBe(true);
      expect(fromLink.attrs.get('samesite')?.toLowerCase()).toBe('lax');
      expect(fromLink.attrs.has('secure')).toBe(secure);

      // Logging out clears it with the same attributes, and the session is dead.
      const out = await server.api.post('/auth/logout', undefined, {
        headers: { cookie: jar, 'x-csrf-token': res.body.csrfToken },
      });
      expect(out.status).toBe(204);
      const cleared = cookie(out, 'signoff_session');
      expect(cleared.value).toBe('');
      expect(cleared.attrs.has('secure')).toBe(secure);
      expect(cleared.attrs.get('path')).toBe('/');
      expect((await server.api.get('/me', { headers: { cookie: jar } })).status).toBe(401);
    });
  }
});

/** `token` with its last character changed. */
const tampered = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

describe(`CSRF for cookie sessions (${engine})`, () => {
  let server: Server;
  let ws: Workspace;
  let jar: string;
  let csrfToken: string;
  let otherCsrf: string;

  beforeAll(async () => {
    server = await serve({ rateLimits: GENEROUS });
    ws = await newWorkspace(server.api, { approvalsEnabled: true });
    const signIn = async () => {
      const res = await server.api.post('/auth/login', {
        workspaceId: ws.id,
        email: ws.admin.email,
        password: PASSWORD,
        session: 'cookie',
      });
      expect(res.status).toBe(200);
      const c = (name: string) => cookie(res, name).value;
      return {
        jar: `signoff_session=${c('signoff_session')}; signoff_csrf_secret=${c('signoff_csrf_secret')}`,
        csrf: res.body.csrfToken as string,
      };
    };
    ({ jar, csrf: csrfToken } = await signIn());
    otherCsrf = (await signIn()).csrf;
  }, 60_000);
  afterAll(() => server?.close());

  it('every state-changing operation made with the cookie and no x-csrf-token is 403 csrf_failed and changes nothing', async () => {
    const doc: any = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    const changing = operationsOf(doc).filter((op) => op.method !== 'GET');
    expect(changing.length).toBeGreaterThan(20);
    const db = server.database.handle.db;
    const before = await snapshot(db);
    const refused: string[] = [];
    for (const op of changing) {
      const path = op.path.replace('/api/v1', '').replace(/\{[^}]+\}/g, crypto.randomUUID());
      const attempts: Record<string, string>[] = [
        { cookie: jar },
        { cookie: jar, 'x-csrf-token': 'forged' },
        { cookie: jar, 'x-csrf-token': otherCsrf },
        // The right token with one character changed: compared in full, not by its length or prefix.
        { cookie: jar, 'x-csrf-token': tampered(csrfToken) },
      ];
      for (const headers of attempts) {
        const res = await server.api.request(op.method, path, {
          headers,
          ...(op.bodySchema ? { body: {} } : {}),
        });
        if (res.status !== 403 || res.body?.code !== 'csrf_failed')
          refused.push(`${op.key} ${JSON.stringify(Object.keys(headers))} → ${res.status} ${res.body?.code}`);
      }
    }
    expect(refused, refused.join('\n')).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('the right token lets the change through; reads need none; a bearer needs none', async () => {
    const customer = await ws.contact();
    const body = { subject: 'Via cookie', body: 'B', requesterId: customer.id };
    expectProblem(await server.api.post('/tickets', body, { headers: { cookie: jar } }), 403, 'csrf_failed');
    expectStatus(
      await server.api.post('/tickets', body, { headers: { cookie: jar, 'x-csrf-token': csrfToken } }),
      201,
    );
    // A token minted for this browser by GET /auth/csrf works too.
    const fresh = await server.api.get('/auth/csrf', { headers: { cookie: jar } });
    expectStatus(
      await server.api.post('/tickets', body, {
        headers: { cookie: jar, 'x-csrf-token': fresh.body.csrfToken },
      }),
      201,
    );
    expectStatus(await server.api.get('/tickets', { headers: { cookie: jar } }), 200);
    expectStatus(await server.api.post('/tickets', body, { token: ws.admin.token }), 201);
    // The CSRF token is not a credential by itself.
    expectProblem(
      await server.api.post('/tickets', body, { headers: { 'x-csrf-token': csrfToken } }),
      401,
      'unauthorized',
    );
  });
});

describe('token comparison and storage', () => {
  // That each token is found by its SHA-256 only, and that safeEqual uses timingSafeEqual, is tested by
  // behaviour in test/api/token-storage.test.ts; the CSRF check refuses tampered tokens below.
  it('why that is timing-safe is written down', () => {
    const doc = read('docs/security.md');
    expect(doc).toMatch(/timing-safe/i);
    expect(doc).toMatch(/SHA-256/);
    expect(doc).toMatch(/preimage/i);
  });

  it('what the database holds of real tokens is their hash only', async () => {
    const server = await serve({ rateLimits: GENEROUS });
    try {
      const ws = await newWorkspace(server.api, { approvalsEnabled: true });
      const db = server.database.handle.db;
      const session = await login(server.api, ws.id, ws.admin.email);
      expect(await principalFromToken(db, session, new Date())).toMatchObject({ id: ws.admin.id });
      const approver = await ws.member();
      const ticket = await ws.ticket(await ws.contact());
      const approval = expectStatus(
        await server.api.post(
          `/tickets/${ticket.id}/approvals`,
          { title: 'T', approvers: [memberRef(approver)] },
          { token: ws.admin.token },
        ),
        201,
      );
      const { token: link } = await mintLink(db, {
        workspaceId: ws.id,
        approvalId: approval.id,
        stepIndex: 0,
        person: { type: 'member', id: approver.id },
        outboxId: null,
        expiresAt: new Date(Date.now() + 60_000),
      });
      const contact = await ws.contact();
      const signIn = await mintSignInLink(db, {
        workspaceId: ws.id,
        person: { type: 'contact', id: contact.id },
        nextPath: null,
      });
      const { rows } = await (await import('kysely')).sql<{ dump: string }>`
        SELECT (SELECT string_agg(s::text, ' ') FROM sessions s) || (SELECT string_agg(l::text, ' ') FROM approval_links l)
          || (SELECT string_agg(x::text, ' ') FROM sign_in_links x) || (SELECT coalesce(string_agg(o::text, ' '), '') FROM outbox o) AS dump`.execute(
        db,
      );
      const dump = rows[0]!.dump;
      for (const secret of [session, session.split('.')[1]!, link, signIn.token])
        expect(dump).not.toContain(secret);
      for (const secret of [session, link, signIn.token]) expect(dump).toContain(sha256(secret));
      // Found by its hash: a real link (sign-in required, so 401), where an unknown one is a bare 410.
      expectStatus(await server.api.get(`/approval-links/${link}`), 401);
    } finally {
      await server.close();
    }
  });
});

describe('password hashing parameters are documented', () => {
  it('docs/security.md states the argon2id parameters that hashPassword really uses', async () => {
    const hash = await hashPassword('documented password');
    const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash);
    expect(m, hash).not.toBeNull();
    const [, memory, time, lanes] = m!;
    const doc = read('docs/security.md');
    expect(doc).toMatch(/^# Security/m);
    expect(doc).toMatch(/argon2id/);
    expect(doc).toContain(`m=${memory}`);
    expect(doc).toContain(`t=${time}`);
    expect(doc).toContain(`p=${lanes}`);
    expect(PASSWORD_PARAMS_DOC).toBe(`argon2id m=${memory} KiB, t=${time}, p=${lanes}`);
    // The rest of the page matches the code it describes.
    const limits = DEFAULT_RATE_LIMITS;
    expect(doc).toContain(
      `${limits.loginFailures.max} in ${limits.loginFailures.windowSeconds / 60} minutes`,
    );
    expect(doc).toContain(`${limits.signups.max} an hour`);
    expect(doc).toContain(`${limits.approvalLinks.max} a minute`);
    for (const word of [
      'frame-ancestors',
      'nosniff',
      'no-referrer',
      'HttpOnly',
      'SameSite=Lax',
      'Secure',
      'x-csrf-token',
      'csrf_failed',
    ]) {
      expect(doc, word).toContain(word);
    }
    // The README points to it.
    expect(read('README.md')).toMatch(/docs\/security\.md/);
  });
});
