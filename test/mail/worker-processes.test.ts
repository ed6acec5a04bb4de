import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/shared/db/connect.js';
import { expectStatus, groupRef } from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { createPostgresDatabase, reachablePostgres } from '../support/database.js';
import { type ServerProcess, spawnServer } from '../support/processes.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';
import { bulkMembers, duplicates, expectedMessageId, sleep } from './harness.js';

/**
 * SPEC §4 and §7 with real processes on PostgreSQL: the delivery worker
 * (`src/worker-main.ts`) is killed with SIGKILL in the middle of a batch of
 * 200 emails and another takes over; then two worker processes share the
 * outbox. Every email arrives, none twice (by Message-ID).
 */

const pgBase = await reachablePostgres();

describe.runIf(pgBase)('SPEC §4 delivery by worker processes on PostgreSQL', () => {
  let created: { url: string; drop(): Promise<void> } | null = null;
  let server: ServerProcess | null = null;
  let handle: DatabaseHandle | null = null;
  let sink: SmtpSink;
  let api: Client;
  let ws: Workspace;
  let ticketId: string;
  let crowd: { id: string; email: string }[] = [];
  let groupId: string;
  let halfGroupId: string;
  const workers: WorkerProcess[] = [];

  const workerEnv = () => ({
    DATABASE_URL: created!.url,
    SMTP_URL: sink.url,
    PUBLIC_URL: server!.url,
    LOG_LEVEL: 'info',
  });
  const dump = () =>
    workers.map((w, i) => `--- worker ${i} (pid ${w.pid}) ---\n${w.output().slice(-4000)}`).join('\n');

  async function outboxOf(approvalId: string) {
    return handle!.db
      .selectFrom('outbox')
      .select([
        'event_id',
        'recipient_type',
        'recipient_id',
        'status',
        'attempts',
        'message_id',
        'locked_until',
      ])
      .where('approval_id', '=', approvalId)
      .execute();
  }

  async function request(title: string, group = groupId, size = crowd.length) {
    const a = expectStatus(
      await api.post(
        `/tickets/${ticketId}/approvals`,
        { title, approvers: [groupRef({ id: group })] },
        { token: ws.admin.token },
      ),
      201,
    );
    const rows = await outboxOf(a.id);
    expect(rows).toHaveLength(size);
    return { id: a.id as string, expected: rows.map((r) => expectedMessageId(r)) };
  }

  /** Waits until every expected Message-ID arrived, then a little longer for late duplicates. */
  async function expectAllOnce(approvalId: string, expected: string[], timeoutMs: number) {
    const want = new Set(expected);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = new Set(sink.messages.filter((m) => want.has(m.messageId)).map((m) => m.messageId));
      if (got.size === want.size) break;
      if (Date.now() > deadline) {
        throw new Error(`${got.size}/${want.size} emails arrived\n${dump()}`);
      }
      await sleep(100);
    }
    await sleep(1_000);
    const received = sink.messages.filter((m) => want.has(m.messageId));
    expect(duplicates(received.map((m) => m.messageId))).toEqual([]);
    expect(received).toHaveLength(expected.length);
    expect(new Set(received.map((m) => m.to[0])).size).toBe(expected.length);
    for (const m of received) {
      expect(m.to).toHaveLength(1);
      expect(m.envelopeTo).toEqual(m.to);
    }
    const rows = await outboxOf(approvalId);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    for (const r of rows) expect(r.message_id).toBe(expectedMessageId(r));
    return rows;
  }

  beforeAll(async () => {
    created = await createPostgresDatabase(pgBase!);
    sink = await startSmtpSink();
    // The API process delivers nothing itself: the worker processes do.
    server = await spawnServer(created.url, { env: { WORKER: 'off' } });
    handle = await openDatabase({ engine: 'postgres', url: created.url, poolSize: 2 });
    api = client(server.url);
    // Only the approvals' emails are counted: the ticket sends none of its own (SPEC §8.2), no acknowledgement,
    // and, assigned to its author, no notice to the crowd.
    ws = await newWorkspace(api, { approvalsEnabled: true, acknowledgeNewTickets: false });
    crowd = await bulkMembers(api, ws, 200, 'Crowd');
    const group = expectStatus(
      await api.post(
        '/approval-groups',
        { name: 'Everyone', memberIds: crowd.map((p) => p.id) },
        { token: ws.admin.token },
      ),
      201,
    );
    groupId = group.id;
    const half = expectStatus(
      await api.post(
        '/approval-groups',
        { name: 'Half', memberIds: crowd.slice(0, 100).map((p) => p.id) },
        { token: ws.admin.token },
      ),
      201,
    );
    halfGroupId = half.id;
    const contact = expectStatus(
      await api.post(
        '/contacts',
        { name: 'Crowd Customer', email: 'crowd-customer@example.test' },
        { token: ws.admin.token },
      ),
      201,
    );
    ticketId = (await ws.ticket(contact, { assigneeId: ws.admin.id })).id;
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await server?.stop();
    await handle?.close();
    await created?.drop();
    await sink?.stop();
  }, 30_000);

  it('§4 kill -9 of the worker mid-batch, then another worker: all 200 emails arrive, none twice', async () => {
    const first = await spawnWorker(workerEnv());
    workers.push(first);
    const { id, expected } = await request('Crowd one');
    try {
      await sink.waitFor((m) => m.subject.includes('Crowd one'), 40_000, 30);
    } catch (error) {
      throw new Error(`${error}\n${dump()}`);
    }
    // Hold the next DATA answers: the worker is stuck mid-transaction, mid-batch, when it dies.
    sink.hold();
    const deadline = Date.now() + 10_000;
    let last = -1;
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      if (sink.heldCount !== last) {
        last = sink.heldCount;
        stableSince = Date.now();
      } else if (last > 0 && Date.now() - stableSince > 1_000) break;
      await sleep(25);
    }
    expect(sink.heldCount, dump()).toBeGreaterThan(0);
    const deliveredBefore = sink.messages.filter((m) => m.subject.includes('Crowd one')).length;
    expect(deliveredBefore).toBeLessThan(200);
    await first.kill9();
    expect((await first.exited).signal).toBe('SIGKILL');
    await sink.release();
    expect(sink.aborted).toBeGreaterThan(0);

    // Mid-batch: rows claimed by the dead worker are still leased to it, and not sent.
    const rows = await outboxOf(id);
    const leased = rows.filter(
      (r) => r.status === 'pending' && r.locked_until && new Date(r.locked_until) > new Date(),
    );
    expect(leased.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status === 'sent').length).toBe(deliveredBefore);
    // The dead worker's lease runs out after leaseMs (2 minutes); let that time pass in the database.
    await sql`UPDATE outbox SET locked_until = now() - interval '1 second' WHERE status = 'pending' AND locked_until IS NOT NULL`.execute(
      handle!.db,
    );

    const second = await spawnWorker(workerEnv());
    workers.push(second);
    await expectAllOnce(id, expected, 45_000);
    await second.stop();
    for (const w of workers) expect(w.output(), dump()).not.toMatch(/"level":(50|60)/);
  }, 90_000);

  it('§4 two worker processes at once over one database: each email exactly once, claimed once', async () => {
    const pair = await Promise.all([spawnWorker(workerEnv()), spawnWorker(workerEnv())]);
    workers.push(...pair);
    const { id, expected } = await request('Crowd two', halfGroupId, 100);
    const rows = await expectAllOnce(id, expected, 45_000);
    // No row was claimed by both: each was attempted once.
    expect(rows.filter((r) => r.attempts !== 1)).toEqual([]);
    await Promise.all(pair.map((w) => w.stop()));
    for (const w of pair) expect(w.output(), dump()).not.toMatch(/"level":(50|60)/);
  }, 90_000);
});

if (!pgBase) {
  describe('SPEC §4 delivery by worker processes on PostgreSQL', () => {
    it.skip('skipped: PostgreSQL is not reachable (set TEST_DATABASE_URL or start one on 127.0.0.1:5432)', () => {});
  });
}
