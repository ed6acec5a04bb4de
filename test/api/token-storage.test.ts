import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintLink } from '../../src/approvals/links/repo.js';
import { mintPasswordToken } from '../../src/auth/password-resets.js';
import { mintSignInLink } from '../../src/auth/sign-in-links.js';
import { randomToken, safeEqual, sha256 } from '../../src/auth/tokens.js';
import { expectStatus, memberRef } from '../support/approvals.js';
import { type Client, client, type Response } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { login, newWorkspace, type Workspace } from '../support/workspace.js';

/**
 * SPEC §4 / docs/security.md, by behaviour (issue 13 item 2: these replace source-text regexes of
 * test/reliability/hardening.test.ts). Every secret token is found through the SHA-256 stored in its row,
 * so a token answers exactly while its row holds its hash; and `safeEqual` compares with
 * crypto.timingSafeEqual.
 */

// Observe the comparison `safeEqual` really makes: the same function, watched.
const { timingSafeEqualCalls } = vi.hoisted(() => ({ timingSafeEqualCalls: [] as [Buffer, Buffer][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    timingSafeEqualCalls.push([Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)]);
    return real.timingSafeEqual(a, b);
  };
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

let server: TestServer;
let api: Client;
let ws: Workspace;

const db = () => server.database.handle.db;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  ws = await newWorkspace(api);
});
afterAll(() => server?.close());

/**
 * `use(token)` is refused while the row keyed by sha256(token) holds another hash, and answers once it
 * holds the token's hash again: the token is looked up by its hash, and by nothing else.
 */
async function expectFoundByItsHash(
  table: 'sessions' | 'approval_links' | 'sign_in_links' | 'password_tokens',
  token: string,
  use: () => Promise<Response>,
  accepted: number,
) {
  const hash = sha256(token);
  const rehash = (from: string, to: string) =>
    sql`UPDATE ${sql.table(table)} SET token_hash = ${to} WHERE token_hash = ${from}`.execute(db());
  const elsewhere = sha256(`${token}-moved`);
  expect((await rehash(hash, elsewhere)).numAffectedRows).toBe(1n);
  const refused = await use();
  expect(refused.status, `${table}: refused while its row holds another hash`).not.toBe(accepted);
  expect(refused.status).toBeGreaterThanOrEqual(400);
  await rehash(elsewhere, hash);
  const answered = await use();
  expect(answered.status, `${table}: ${JSON.stringify(answered.body)}`).toBe(accepted);
}

describe(`secret tokens are found by their SHA-256 only (${engine})`, () => {
  it('a session token', async () => {
    const token = await login(api, ws.id, ws.admin.email);
    await expectFoundByItsHash('sessions', token, () => api.get('/me', { token }), 200);
  });

  it('an approval link', async () => {
    const approver = await ws.member();
    const ticket = await ws.ticket(await ws.contact());
    const approval = expectStatus(
      await api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Hashed link', approvers: [memberRef(approver)] },
        { token: ws.admin.token },
      ),
      201,
    );
    const { token } = await mintLink(db(), {
      workspaceId: ws.id,
      approvalId: approval.id,
      stepIndex: 0,
      person: { type: 'member', id: approver.id },
      outboxId: null,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    await expectFoundByItsHash(
      'approval_links',
      token,
      () => api.get(`/approval-links/${token}`, { token: approver.token }),
      200,
    );
  });

  it('a sign-in link', async () => {
    const contact = await ws.contact();
    const { token } = await mintSignInLink(db(), {
      workspaceId: ws.id,
      person: { type: 'contact', id: contact.id },
      nextPath: null,
    });
    await expectFoundByItsHash(
      'sign_in_links',
      token,
      () => api.post('/auth/sign-in-links/redeem', { token }),
      200,
    );
  });

  it('a password reset link', async () => {
    const agent = await ws.member();
    const { token } = await mintPasswordToken(db(), {
      workspaceId: ws.id,
      person: { type: 'member', id: agent.id },
      purpose: 'password_reset',
    });
    await expectFoundByItsHash(
      'password_tokens',
      token,
      () => api.post('/auth/password-resets/redeem', { token, password: 'a brand new passphrase' }),
      200,
    );
  });
});

describe('safeEqual', () => {
  it('answers right, and compares equal-length inputs with crypto.timingSafeEqual', () => {
    const t = randomToken();
    const flipped = `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`;
    timingSafeEqualCalls.length = 0;
    expect(safeEqual(t, t)).toBe(true);
    expect(safeEqual(t, flipped)).toBe(false);
    expect(timingSafeEqualCalls.map(([a, b]) => [a.toString(), b.toString()])).toEqual([
      [t, t],
      [t, flipped],
    ]);
    // Different lengths differ without a comparison of contents (timingSafeEqual would throw).
    expect(safeEqual(t, t.slice(1))).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });
});
