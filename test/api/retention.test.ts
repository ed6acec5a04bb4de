import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../src/background.js';
import { loadConfig } from '../../src/shared/config.js';
import type { Db } from '../../src/shared/db/connect.js';
import { cleanUp, DEFAULT_RETENTION } from '../../src/shared/db/retention.js';
import { decide, expectStatus, memberRef, requestApproval } from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

let server: TestServer;
let api: Client;
let db: Db;
let ws: Workspace;
let agent: Person;
let approvalId: string;

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
/** Past the default retention (30 days), and inside it. */
const OLD = daysAgo(DEFAULT_RETENTION.days + 1);
const RECENT = daysAgo(DEFAULT_RETENTION.days - 1);
const hash = () => randomBytes(16).toString('hex');

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
  db = server.database.handle.db;
  ws = await newWorkspace(api);
  agent = await ws.member('agent');
  const customer = await ws.contact();
  const ticket = await ws.ticket(customer);
  const created = await requestApproval(api, ws.admin, ticket.id, {
    title: 'New laptop',
    approvers: [memberRef(agent)],
    rule: { type: 'any' },
  });
  approvalId = created.id;
  expectStatus(
    await api.post(`/approvals/${approvalId}/comments`, { body: 'Which model?' }, { token: agent.token }),
    201,
  );
  await decide(api, agent, approvalId, 'approve', 'Fine by me');
}, 60_000);

afterAll(() => server?.close());

/** Everything a user relies on: none of it may ever be cleaned up. */
async function keptForUsers() {
  const counts: Record<string, number> = {};
  for (const table of [
    'tickets',
    'ticket_messages',
    'approvals',
    'approval_assignments',
    'approval_comments',
    'activities',
    'audit_events',
    'members',
    'contacts',
  ]) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
    counts[table] = Number(rows[0]!.n);
  }
  return counts;
}

const session = (token_hash: string, expires: Date, revoked: Date | null) =>
  sql`INSERT INTO sessions (workspace_id, token_hash, principal_type, principal_id, expires_at, revoked_at)
      VALUES (${ws.id}, ${token_hash}, 'member', ${agent.id}, ${expires}, ${revoked})`.execute(db);
const signInLink = (token_hash: string, expires: Date, used: Date | null) =>
  sql`INSERT INTO sign_in_links (token_hash, workspace_id, member_id, expires_at, used_at)
      VALUES (${token_hash}, ${ws.id}, ${agent.id}, ${expires}, ${used})`.execute(db);
const passwordToken = (token_hash: string, expires: Date, used: Date | null) =>
  sql`INSERT INTO password_tokens (token_hash, workspace_id, principal_type, principal_id, purpose, expires_at, used_at)
      VALUES (${token_hash}, ${ws.id}, 'member', ${agent.id}, 'password_reset', ${expires}, ${used})`.execute(
    db,
  );
const approvalLink = (token_hash: string, expires: Date, used: Date | null, revoked: Date | null) =>
  sql`INSERT INTO approval_links (token_hash, workspace_id, approval_id, step_index, person_type, person_id, expires_at, used_at, revoked_at)
      VALUES (${token_hash}, ${ws.id}, ${approvalId}, 0, 'member', ${agent.id}, ${expires}, ${used}, ${revoked})`.execute(
    db,
  );
const idempotencyKey = (key: string, created: Date) =>
  sql`INSERT INTO idempotency_keys (workspace_id, principal_type, principal_id, key, request_hash, status_code, response, created_at)
      VALUES (${ws.id}, 'member', ${agent.id}, ${key}, 'h', 200, '{}'::jsonb, ${created})`.execute(db);

async function present(table: string, column: string, value: string): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${value}`.execute(
    db,
  );
  return rows.length > 0;
}

describe(`issue 12 item 6: retention (${engine})`, () => {
  it('removes what is past retention, keeps what is recent or still alive, and never touches what users rely on', async () => {
    const old = {
      expiredSession: hash(),
      revokedSession: hash(),
      usedSignIn: hash(),
      expiredSignIn: hash(),
      usedReset: hash(),
      expiredReset: hash(),
      expiredLink: hash(),
      usedLink: hash(),
      revokedLink: hash(),
      idempotency: hash(),
    };
    const kept = {
      liveSession: hash(),
      recentlyRevokedSession: hash(),
      recentlyUsedSignIn: hash(),
      liveReset: hash(),
      // Expired past the general retention but within the approval links' own: its 410 reason still shows (SPEC §8.1).
      linkExpiredWithinItsRetention: hash(),
      recentlyUsedLink: hash(),
      idempotency: hash(),
    };
    await session(old.expiredSession, OLD, null);
    await session(old.revokedSession, daysAgo(-5), OLD);
    await session(kept.liveSession, daysAgo(-5), null);
    await session(kept.recentlyRevokedSession, daysAgo(-5), RECENT);
    await signInLink(old.usedSignIn, daysAgo(-1), OLD);
    await signInLink(old.expiredSignIn, OLD, null);
    await signInLink(kept.recentlyUsedSignIn, RECENT, RECENT);
    await passwordToken(old.usedReset, daysAgo(-1), OLD);
    await passwordToken(old.expiredReset, OLD, null);
    await passwordToken(kept.liveReset, daysAgo(-1), null);
    const linkOld = daysAgo(DEFAULT_RETENTION.approvalLinkDays + 1);
    await approvalLink(old.expiredLink, linkOld, null, null);
    await approvalLink(old.usedLink, daysAgo(-1), linkOld, null);
    await approvalLink(old.revokedLink, daysAgo(-1), null, linkOld);
    await approvalLink(kept.linkExpiredWithinItsRetention, OLD, null, null);
    await approvalLink(kept.recentlyUsedLink, daysAgo(-1), OLD, null);
    await idempotencyKey(old.idempotency, OLD);
    await idempotencyKey(kept.idempotency, RECENT);
    await sql`INSERT INTO rate_limits (key, window_start, count) VALUES
      ('retention:old', ${daysAgo(2)}, 5), ('retention:recent', ${now}, 5)`.execute(db);
    await sql`INSERT INTO email_quota_usage (workspace_id, window_start, claimed) VALUES
      (${ws.id}, ${daysAgo(2)}, 3), (${ws.id}, ${new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000)}, 3)
      ON CONFLICT DO NOTHING`.execute(db);
    // The approval's emails: one sent long ago, one sent recently, one dead long ago, the rest pending.
    const emails = await db
      .selectFrom('outbox')
      .select(['id'])
      .where('workspace_id', '=', ws.id)
      .orderBy('seq')
      .execute();
    expect(emails.length).toBeGreaterThanOrEqual(3);
    const [sentLongAgo, sentRecently, deadLongAgo] = emails.map((e) => e.id);
    const setOutbox = (id: string | undefined, status: string, sentAt: Date | null) =>
      sql`UPDATE outbox SET status = ${status}, sent_at = ${sentAt}, created_at = ${OLD} WHERE id = ${id}`.execute(
        db,
      );
    await setOutbox(sentLongAgo, 'sent', OLD);
    await setOutbox(sentRecently, 'sent', RECENT);
    await setOutbox(deadLongAgo, 'dead', null);
    const payloadOf = async (id: string | undefined) =>
      (await db.selectFrom('outbox').select('payload').where('id', '=', id!).executeTakeFirst())?.payload;
    const deadPayload = await payloadOf(deadLongAgo);
    const before = await keptForUsers();

    const report = await cleanUp(db, now);

    const rowsAfter = [
      ['sessions', 'token_hash', old.expiredSession, false],
      ['sessions', 'token_hash', old.revokedSession, false],
      ['sign_in_links', 'token_hash', old.usedSignIn, false],
      ['sign_in_links', 'token_hash', old.expiredSignIn, false],
      ['password_tokens', 'token_hash', old.usedReset, false],
      ['password_tokens', 'token_hash', old.expiredReset, false],
      ['approval_links', 'token_hash', old.expiredLink, false],
      ['approval_links', 'token_hash', old.usedLink, false],
      ['approval_links', 'token_hash', old.revokedLink, false],
      ['idempotency_keys', 'key', old.idempotency, false],
      ['rate_limits', 'key', 'retention:old', false],
      ['sessions', 'token_hash', kept.liveSession, true],
      ['sessions', 'token_hash', kept.recentlyRevokedSession, true],
      ['sign_in_links', 'token_hash', kept.recentlyUsedSignIn, true],
      ['password_tokens', 'token_hash', kept.liveReset, true],
      ['approval_links', 'token_hash', kept.linkExpiredWithinItsRetention, true],
      ['approval_links', 'token_hash', kept.recentlyUsedLink, true],
      ['idempotency_keys', 'key', kept.idempotency, true],
      ['rate_limits', 'key', 'retention:recent', true],
    ] as const;
    for (const [table, column, value, stays] of rowsAfter) {
      expect(await present(table, column, value), `${table} ${value} ${stays ? 'kept' : 'removed'}`).toBe(
        stays,
      );
    }
    const quotaWindows = await db
      .selectFrom('email_quota_usage')
      .select('window_start')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(quotaWindows.every((w) => new Date(w.window_start).getTime() > daysAgo(1).getTime())).toBe(true);
    // Sent long ago: the row stays (message id, links point at it), the payload goes. Dead ones stay whole.
    expect(await payloadOf(sentLongAgo)).toEqual({});
    expect(await payloadOf(sentRecently)).not.toEqual({});
    expect(await payloadOf(deadLongAgo)).toEqual(deadPayload);
    expect(
      await db.selectFrom('outbox').select('id').where('id', '=', sentLongAgo!).executeTakeFirst(),
    ).toBeTruthy();
    expect(report).toMatchObject({
      sessions: 2,
      sign_in_links: 2,
      password_tokens: 2,
      approval_links: 3,
      idempotency_keys: 1,
      outbox_payloads: 1,
    });
    // Activity, decisions, comments, tickets: untouched; the approval still reads whole over HTTP.
    expect(await keptForUsers()).toEqual(before);
    const approval = expectStatus(await api.get(`/approvals/${approvalId}`, { token: ws.admin.token }), 200);
    expect(approval.status).toBe('approved');
    // The signed-in users' live sessions still work.
    expectStatus(await api.get('/me', { token: agent.token }), 200);
  });

  it('works in bounded batches: more rows than one batch are all removed in one pass', async () => {
    await sql`INSERT INTO rate_limits (key, window_start, count)
      SELECT 'retention:bulk:' || i, ${daysAgo(3)}::timestamptz, 1 FROM generate_series(1, 1234) AS i`.execute(
      db,
    );
    const report = await cleanUp(db, now);
    expect(report.rate_limits).toBe(1234);
    const { rows } = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM rate_limits WHERE key LIKE 'retention:bulk:%'`.execute(db);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('RETENTION_DAYS shortens it: a session revoked 3 days ago goes with RETENTION_DAYS=2', async () => {
    const revoked = hash();
    await session(revoked, daysAgo(-5), daysAgo(3));
    await cleanUp(db, now, loadConfig({ RETENTION_DAYS: '2' }).retention);
    expect(await present('sessions', 'token_hash', revoked)).toBe(false);
  });

  it('the scheduler runs the clean-up, and the in-process worker takes the DELIVERY_* settings', async () => {
    const expired = hash();
    await session(expired, OLD, null);
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'signoff-retention-')),
      DELIVERY_LEASE_MS: '45000',
      DELIVERY_CONCURRENCY: '3',
      LOG_LEVEL: 'silent',
    });
    const quiet = { info() {}, warn() {}, error() {} };
    const background = startBackground({ db, config, log: quiet, scheduleEveryMs: 50 });
    try {
      expect(background.worker.policy.leaseMs).toBe(45_000);
      expect(background.worker.policy.concurrency).toBe(3);
      await expect.poll(() => present('sessions', 'token_hash', expired), { timeout: 10_000 }).toBe(false);
    } finally {
      await background.stop();
    }
  });
});
