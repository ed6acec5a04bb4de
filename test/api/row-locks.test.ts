import type { AddressInfo } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { mintLink } from '../../src/approvals/links/repo.js';
import { decideByLink } from '../../src/approvals/links/service.js';
import { fetchApproval } from '../../src/approvals/repo.js';
import { decideApproval } from '../../src/approvals/use-cases/decide-approval.js';
import { editRecipients } from '../../src/approvals/use-cases/edit-recipients.js';
import type { Principal } from '../../src/auth/principal.js';
import { loadConfig } from '../../src/shared/config.js';
import { type DatabaseHandle, type Db, openAndMigrate } from '../../src/shared/db/connect.js';
import type { Database } from '../../src/shared/db/schema.js';
import { type AppDeps, DEFAULT_RATE_LIMITS } from '../../src/shared/http/types.js';
import { type Client, client } from '../support/client.js';
import { createPostgresDatabase, reachablePostgres } from '../support/database.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';

/**
 * SPEC rule 13 under READ COMMITTED, step by step: a transaction that waits
 * for a row lock must act on what the previous holder committed, although
 * the statement that waited still reads its older snapshot. Two places rely
 * on it: the load of an approval under its lock (one statement, see
 * `fetchApproval`) and the refresh of the ticket's approval status after its
 * row lock. Only PostgreSQL runs transactions concurrently (PGlite has one
 * connection), so this runs there.
 */

const pgBase = await reachablePostgres();

describe.runIf(pgBase)('row locks under READ COMMITTED (postgres)', () => {
  let created: { url: string; drop(): Promise<void> };
  let handle: DatabaseHandle;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let api: Client;
  let deps: AppDeps;
  let ws: Workspace;
  let requester: Person;

  beforeAll(async () => {
    created = await createPostgresDatabase(pgBase!);
    handle = await openAndMigrate({ engine: 'postgres', url: created.url, poolSize: 6 });
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL: '' });
    app = await buildApp({ database: handle, config, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    api = client(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    deps = {
      db: handle.db,
      engine: 'postgres',
      config,
      rateLimits: DEFAULT_RATE_LIMITS,
      now: () => new Date(),
    };
    ws = await newWorkspace(api);
    requester = await ws.contact();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await handle?.close();
    await created?.drop();
  });

  const principal = (p: Person, role: 'agent' | 'admin' = 'agent'): Principal => ({
    type: 'member',
    workspaceId: ws.id,
    id: p.id,
    role,
    name: p.name,
    email: p.email,
    locale: null,
  });

  async function approval(ticketId: string, approvers: Person[], rule: { type: 'any' | 'all' }) {
    const res = await api.post(
      `/tickets/${ticketId}/approvals`,
      { title: 'Laptop', approvers: approvers.map((a) => ({ type: 'member', id: a.id })), rule },
      { token: ws.admin.token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  /** Resolves once some statement of this database waits on a lock. */
  async function someoneWaits() {
    for (let i = 0; i < 500; i++) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(handle.db);
      if (rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('nobody waits on a lock');
  }

  /** Runs `fn` in a transaction that stays open, with its locks, until `commit`. */
  function holdOpen(fn: (tx: Db) => Promise<void>) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let done!: () => void;
    const ran = new Promise<void>((resolve) => {
      done = resolve;
    });
    const finished = handle.db.transaction().execute(async (tx) => {
      await fn(tx);
      done();
      await released;
    });
    return {
      ready: Promise.race([ran, finished]),
      commit: async () => {
        release();
        await finished;
      },
    };
  }

  it('a locked load that waited reads the assignments the lock holder wrote', async () => {
    const [a, b] = [await ws.member(), await ws.member()];
    const ticket = await ws.ticket(requester);
    const id = await approval(ticket.id, [a!, b!], { type: 'all' });

    // A decides in a transaction that keeps the approval's row lock.
    const first = holdOpen(async (tx) => {
      await decideApproval(
        { ...deps, db: tx },
        principal(a!),
        id,
        { decision: 'approve' },
        { channel: 'api' },
      );
    });
    await first.ready;

    // Meanwhile another transaction loads the approval under its lock: it waits.
    const statements: string[] = [];
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: handle.pool! }),
      log: (e) => {
        statements.push(e.query.sql);
      },
    });
    const loading = logged
      .transaction()
      .execute((tx) => fetchApproval(tx, ws.id, id, { lock: true, settings: true, comments: 'all' }));
    await someoneWaits();
    await first.commit();
    const loaded = await loading;

    const decided = loaded!.stored.state.assignments.filter((x) => x.decision !== null);
    expect(decided.map((x) => x.person.id)).toEqual([a!.id]);
    // The statement that waited saw a newer approval row than its snapshot, and ran once more.
    expect(statements.filter((s) => /FOR UPDATE OF a/.test(s))).toHaveLength(2);

    // And B's answer, made after the wait, completes the `all` step with both votes.
    const res = await api.post(`/approvals/${id}/decisions`, { decision: 'approve' }, { token: b!.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('approved');
    expect(res.body.steps[0].approvers.map((x: any) => x.decision)).toEqual(['approve', 'approve']);
  });

  it("the ticket's approval status is computed after the ticket's lock is held, never from a stale snapshot", async () => {
    const [a, b] = [await ws.member(), await ws.member()];
    const ticket = await ws.ticket(requester);
    const older = await approval(ticket.id, [a!], { type: 'any' });
    const latest = await approval(ticket.id, [b!], { type: 'any' });

    // B approves the latest approval: its transaction holds the ticket's row lock until released.
    const first = holdOpen(async (tx) => {
      await decideApproval(
        { ...deps, db: tx },
        principal(b!),
        latest,
        { decision: 'approve' },
        { channel: 'api' },
      );
    });
    await first.ready;
    // A denies the older one meanwhile: it waits for the ticket's lock, then recomputes the ticket's status.
    const second = decideApproval(deps, principal(a!), older, { decision: 'deny' }, { channel: 'api' });
    await someoneWaits();
    await first.commit();
    await second;

    // Both finished, A's denial last (SPEC §8.1): denied, with no unfinished approval. A stale snapshot
    // would still see B's approval pending and leave the ticket pending with one unfinished.
    const row = await handle.db
      .selectFrom('tickets')
      .select(['approval_status', 'approvals_unfinished', 'approvals_total'])
      .where('id', '=', ticket.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ approval_status: 'denied', approvals_unfinished: 0, approvals_total: 2 });
  });

  it("an emailed link takes the approval's lock before its own: no deadlock with removing its person (rule 7, rule 13)", async () => {
    const [a, b] = [await ws.member(), await ws.member()];
    const ticket = await ws.ticket(requester);
    const id = await approval(ticket.id, [a!, b!], { type: 'any' });
    const { token } = await mintLink(handle.db, {
      workspaceId: ws.id,
      approvalId: id,
      stepIndex: 0,
      person: { type: 'member', id: a!.id },
      outboxId: null,
      expiresAt: new Date(Date.now() + 3600_000),
    });

    // The admin's edit holds the approval's row lock...
    let revokeLinks!: () => void;
    const mayRevoke = new Promise<void>((resolve) => {
      revokeLinks = resolve;
    });
    const edit = holdOpen(async (tx) => {
      await fetchApproval(tx, ws.id, id, { lock: true });
      await mayRevoke;
      // ...and then removes A, which revokes A's links: it needs the link's row lock.
      await editRecipients(
        { ...deps, db: tx },
        principal(ws.admin, 'admin'),
        id,
        { add: [], remove: [{ type: 'member', id: a!.id }] },
        'api',
      );
    });
    // Meanwhile A answers through the emailed link: it waits for the approval's lock.
    const answer = decideByLink(deps, token, null, { decision: 'approve' }).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await someoneWaits();
    revokeLinks();
    await edit.ready;
    await edit.commit();

    // Taking the link's lock first (as before) deadlocked here: PostgreSQL aborted one of the two.
    const result = await answer;
    expect(result.ok).toBe(false);
    expect(result.ok ? null : (result.error as { status?: number; code?: string })).toMatchObject({
      status: 410,
      code: 'link_inactive',
    });
    const res = await api.get(`/approvals/${id}`, { token: ws.admin.token });
    expect(res.body.status).toBe('pending');
  });
});

if (!pgBase) {
  describe('row locks under READ COMMITTED', () => {
    it.skip('skipped: PostgreSQL is not reachable (set TEST_DATABASE_URL or start one on 127.0.0.1:5432)', () => {});
  });
}
