import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadEnv, requirePostgres, startLoadEnv } from './support/load-env.js';
import { settleAndAudit } from './support/load-report.js';
import { runLoad, type Scheduled } from './support/load-run.js';
import { type LoadFixture, prng, seedLoad } from './support/load-seed.js';

/**
 * Database faults under load: while the mixed load runs, every connection to the test
 * database is killed several times (`pg_terminate_backend`, what a failover or an admin
 * does). A request that fails must fail with 503 application/problem+json
 * (code service_unavailable), never 500 and never a dropped connection; nothing may be
 * half-written (the audit holds, no accepted decision lost), and the same processes go on
 * serving without a restart. The worker's lease is short (DELIVERY_LEASE_MS) so an email
 * whose bookkeeping was cut off is retried within the test.
 */

const SEED = Number(process.env.LOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPERATIONS = 1_600;
const TERMINATE_AT = [250, 600, 950, 1300];

describe('database connections killed under load (PostgreSQL)', () => {
  let env: LoadEnv;
  let fixture: LoadFixture;

  beforeAll(async () => {
    env = await startLoadEnv(await requirePostgres(), { workerEnv: { DELIVERY_LEASE_MS: '10000' } });
    fixture = await seedLoad(env.urls(), prng(SEED));
  }, 180_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('pg_terminate_backend of every connection, 4 times: failures are 503 problems, nothing half-written, service resumes', async () => {
    console.log(`[faults-db] seed ${SEED} (replay with LOAD_SEED=${SEED})`);
    const pidsBefore = env.servers.map((s) => s!.pid);
    const workerPid = env.worker!.pid;
    const terminated: number[] = [];
    const terminate = async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = ${env.dbName} AND pid <> pg_backend_pid()`.execute(env.db);
      terminated.push(Number(rows[0]!.n));
    };
    const schedule: Scheduled[] = TERMINATE_AT.map((at) => ({
      at,
      name: 'pg_terminate_backend',
      run: terminate,
    }));

    const result = await runLoad({
      fixture,
      urls: env.urls,
      sink: env.sink,
      operations: OPERATIONS,
      clients: 50,
      rand: prng(SEED + 1),
      unavailableAllowed: true,
      schedule,
      timeLimitMs: 150_000,
    });
    const { audit, mail, ledger } = await settleAndAudit('faults-db', env, result, {
      drainTimeoutMs: 60_000,
    });
    const unavailable = result.statuses['503'] ?? 0;
    console.log(
      `[faults-db] ${terminated.length} terminations killed ${terminated.join(', ')} connections; ${unavailable} requests answered 503; ` +
        `at-least-once re-sends: ${mail.duplicates.length}`,
    );

    expect(result.faults.map((f) => f.error ?? 'ok')).toEqual(TERMINATE_AT.map(() => 'ok'));
    expect(terminated).toHaveLength(TERMINATE_AT.length);
    for (const n of terminated) expect(n).toBeGreaterThan(0);
    // Every failure is a 503 problem with its code: never a 500, never a cut connection.
    for (const e of result.serverErrors) {
      expect(e, JSON.stringify(e)).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(e.contentType).toMatch(/^application\/problem\+json/);
    }
    expect(result.unexpected).toEqual([]);
    expect(result.networkErrors).toEqual([]);
    expect(result.operations).toBe(OPERATIONS);

    // Nothing half-written; no accepted decision lost, none recorded that was refused.
    expect(audit.violations).toEqual([]);
    expect(ledger).toEqual([]);
    expect(mail.missing).toEqual([]);
    expect(mail.unknown).toEqual([]);
    expect(mail.uniqueReceived).toBe(mail.sentRows);
    expect(mail.duplicates).toEqual([]);

    // The same processes serve again, without a restart: a read and a write on each.
    expect(env.servers.map((s) => s!.pid)).toEqual(pidsBefore);
    expect(env.worker!.pid).toBe(workerPid);
    const ws = fixture.workspaces[0]!;
    const approval = fixture.approvals.find((a) => a.ws === 0)!;
    for (const url of env.urls()) {
      const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${ws.admin.token}` } });
      expect(me.status).toBe(200);
      const comment = await fetch(`${url}/api/v1/approvals/${approval.id}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'Still here after the faults' }),
      });
      expect(comment.status).toBe(201);
    }
    expect(env.dump()).not.toMatch(PROCESS_LOG_ERROR_API);
  });
});

/** API processes log a 500 as "unhandled error" at level 50; the worker may log failed passes. */
const PROCESS_LOG_ERROR_API = /"level":(50|60),[^\n]*"msg":"unhandled error"/;
