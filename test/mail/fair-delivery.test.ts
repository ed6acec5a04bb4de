import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, groupRef, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';
import { addMember, FAST_POLICY, type MailEnv, mailTo, sleep, startMailEnv } from './harness.js';

/**
 * Issue 10 item 5: one workspace cannot flood everyone's mail.
 * - Fair delivery: the worker takes due emails across workspaces in turn, so workspace A's backlog of
 *   2,000 emails does not hold workspace B's email past SPEC §4's 5 seconds.
 * - Sending quotas: a workspace's emails beyond its quota for the clock hour wait for the next hour,
 *   pending (never lost, never dead), and other workspaces are not slowed by them.
 */

let env: MailEnv;

/** `count` members made straight in the database (no password: they only receive email). */
async function seedMembers(ws: Workspace, count: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO members (workspace_id, id, name, email, role)
    SELECT ${ws.id}::uuid, gen_random_uuid(), 'Bulk ' || i, 'bulk-' || i || '-' || gen_random_uuid() || '@example.test', 'agent'
    FROM generate_series(1, ${count}::int) AS i
    RETURNING id`.execute(env.db);
  return rows.map((r) => r.id);
}

/** What the operator's `npm run email-quota` does: the quota of one workspace. */
async function setQuota(ws: Workspace, perHour: number | null) {
  await env.db
    .updateTable('workspaces')
    .set({ email_quota_per_hour: perHour })
    .where('id', '=', ws.id)
    .execute();
}

async function pendingOf(ws: Workspace) {
  return env.db
    .selectFrom('outbox')
    .select(['status', 'next_attempt_at', 'attempts'])
    .where('workspace_id', '=', ws.id)
    .where('status', '<>', 'sent')
    .execute();
}

async function sentCount(ws: Workspace): Promise<number> {
  const row = await env.db
    .selectFrom('outbox')
    .select(env.db.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ws.id)
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function requestFrom(ws: Workspace, title: string, approvers: unknown[]) {
  const contact = expectStatus(
    await env.api.post(
      '/contacts',
      { name: `${title} customer`, email: `c-${Math.random().toString(36).slice(2)}@example.test` },
      { token: ws.admin.token },
    ),
    201,
  );
  // Only the approval's emails count here: no acknowledgement to the customer (the workspaces are made with
  // acknowledgeNewTickets off), and the ticket is the author's own (assigned to the admin who opens it), so no
  // new-ticket notice goes to the crowd (SPEC §8.2).
  const ticket = await ws.ticket(contact, { assigneeId: ws.admin.id });
  return expectStatus(
    await env.api.post(`/tickets/${ticket.id}/approvals`, { title, approvers }, { token: ws.admin.token }),
    201,
  );
}

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY, worker: false });
});

afterAll(() => env?.close());

describe(`issue 10 item 5: fair delivery across workspaces (${engine})`, () => {
  it("workspace B's email reaches the SMTP server within 5 s while workspace A has 2,000 queued", async () => {
    const a = await newWorkspace(env.api, {
      approvalsEnabled: true,
      acknowledgeNewTickets: false,
      maxApproversPerStep: 2000,
    });
    const b = await newWorkspace(env.api, { approvalsEnabled: true, acknowledgeNewTickets: false });
    // A's quota raised by the operator: this is about fairness, not quotas.
    await setQuota(a, 100_000);
    const bApprover = await addMember(env.api, b, { name: 'Bea Fair' });
    const crowd = await seedMembers(a, 2000);
    const group = expectStatus(
      await env.api.post(
        '/approval-groups',
        { name: 'Everyone', memberIds: crowd },
        { token: a.admin.token },
      ),
      201,
    );
    await requestFrom(a, 'Flood', [groupRef(group)]);

    env.startWorker();
    // A's backlog is being delivered…
    await env.sink.waitFor((m) => m.subject.includes('Flood'), 15_000);
    const started = Date.now();
    await requestFrom(b, 'Fair turn', [memberRef(bApprover)]);
    await env.sink.waitFor(mailTo(bApprover, 'Fair turn'), 5_000);
    const waited = Date.now() - started;
    console.log(`B's email left after ${waited} ms; A had ${await sentCount(a)} of 2,000 sent by then`);
    expect(waited).toBeLessThan(5_000);
    // …and is far from done when B's email left.
    expect(await sentCount(a)).toBeLessThan(2000);
    await env.stopWorkers();
  }, 120_000);
});

describe(`issue 10 item 5: sending quotas (${engine})`, () => {
  it("emails over a workspace's hourly quota wait for the next hour, pending, and then leave", async () => {
    // What is left of the first test's backlog must not count here.
    await env.db.deleteFrom('outbox').where('status', '=', 'pending').execute();
    const c = await newWorkspace(env.api, { approvalsEnabled: true, acknowledgeNewTickets: false });
    const d = await newWorkspace(env.api, { approvalsEnabled: true, acknowledgeNewTickets: false });
    await setQuota(c, 5);
    const crowd = await seedMembers(c, 12);
    const dApprover = await addMember(env.api, d, { name: 'Dee Unhurried' });
    await requestFrom(
      c,
      'Quota',
      crowd.map((id) => memberRef({ id })),
    );
    env.startWorker();
    await requestFrom(d, 'Not held up', [memberRef(dApprover)]);
    await env.sink.waitFor(mailTo(dApprover, 'Not held up'), 5_000);
    // Five leave this hour; the seven others wait, pending, until the next clock hour.
    for (let i = 0; i < 100 && (await sentCount(c)) < 5; i++) await sleep(100);
    await sleep(1_000);
    expect(await sentCount(c)).toBe(5);
    const waiting = await pendingOf(c);
    expect(waiting).toHaveLength(7);
    const { rows } = await sql<{
      next_hour: Date;
    }>`SELECT date_trunc('hour', now()) + interval '1 hour' AS next_hour`.execute(env.db);
    for (const row of waiting) {
      expect(row.status).toBe('pending');
      expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThanOrEqual(
        new Date(rows[0]!.next_hour).getTime(),
      );
    }
    const usage = await env.db
      .selectFrom('email_quota_usage')
      .selectAll()
      .where('workspace_id', '=', c.id)
      .execute();
    expect(usage.map((u) => u.claimed)).toEqual([5]);

    // The next hour comes: five more leave, then the last two the hour after.
    const nextHour = async () => {
      await sql`UPDATE email_quota_usage SET window_start = window_start - interval '1 hour' WHERE workspace_id = ${c.id}`.execute(
        env.db,
      );
      await sql`UPDATE outbox SET next_attempt_at = now() WHERE workspace_id = ${c.id} AND status = 'pending'`.execute(
        env.db,
      );
      for (const bg of env.backgrounds) bg.worker.wake();
    };
    await nextHour();
    for (let i = 0; i < 100 && (await sentCount(c)) < 10; i++) await sleep(100);
    await sleep(500);
    expect(await sentCount(c)).toBe(10);
    await nextHour();
    for (let i = 0; i < 100 && (await sentCount(c)) < 12; i++) await sleep(100);
    expect(await sentCount(c)).toBe(12);
    expect(await pendingOf(c)).toEqual([]);
    await env.stopWorkers();
  }, 60_000);

  it('a new workspace gets the instance default quota (EMAIL_QUOTA_PER_HOUR, 500 unless set)', async () => {
    const e = await newWorkspace(env.api, { approvalsEnabled: true, acknowledgeNewTickets: false });
    const row = await env.db
      .selectFrom('workspaces')
      .select('email_quota_per_hour')
      .where('id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row.email_quota_per_hour).toBeNull();
    expect(env.config.emailQuotaPerHour).toBe(500);
  });
});
