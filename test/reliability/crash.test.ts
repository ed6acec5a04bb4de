import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadEnv, outboxState, requirePostgres, startLoadEnv } from './support/load-env.js';
import { settleAndAudit } from './support/load-report.js';
import { runLoad } from './support/load-run.js';
import { type LoadFixture, prng, seedLoad } from './support/load-seed.js';

/**
 * SPEC §4 and §7 under crashes: the mixed load of load.test.ts, and in the middle of it
 * `kill -9` of one API process and of the delivery worker while it is mid-batch (the SMTP
 * sink holds its answers so the worker is caught between claiming and recording). Fresh
 * processes replace them on the same database. The dead worker's lease (120 s) is made to
 * run out by moving `locked_until` of exactly the rows it had claimed into the past.
 *
 * Afterwards the audit holds, nothing is half-written, and no email is lost or doubled:
 * unique Message-IDs received == sent outbox rows. An email delivered twice (the worker died
 * between the SMTP server's 250 and its UPDATE) is reported as an at-least-once re-send and
 * must then be one of the rows the dead worker had claimed, re-sent with the same Message-ID.
 */

const SEED = Number(process.env.LOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPERATIONS = 2_000;
const KILL_AT = 600;
const LEASE_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crashes under load: kill -9 of an API process and of the worker (PostgreSQL)', () => {
  let env: LoadEnv;
  let fixture: LoadFixture;

  beforeAll(async () => {
    env = await startLoadEnv(await requirePostgres());
    fixture = await seedLoad(env.urls(), prng(SEED));
  }, 180_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('kill -9 mid-load, restart: the audit holds, every email arrives, none lost, re-sends keep their Message-ID', async () => {
    console.log(`[crash] seed ${SEED} (replay with LOAD_SEED=${SEED})`);
    const killed: { apiUrl?: string; apiPid?: number; workerPid?: number; workerDiedAt?: Date } = {};
    let heldAtKill = 0;
    let leasedByDeadWorker: { id: string }[] = [];
    let restartedApiUrl = '';

    const crash = async () => {
      // Catch the worker mid-batch: its next SMTP transactions wait for an answer that comes after it died.
      env.sink.hold();
      const until = Date.now() + 10_000;
      while (env.sink.heldCount === 0 && Date.now() < until) await sleep(20);
      heldAtKill = env.sink.heldCount;
      killed.apiUrl = env.servers[1]!.url;
      killed.workerPid = env.worker!.pid;
      const [apiPid, diedAt] = await Promise.all([env.killServer(1), env.killWorker()]);
      killed.apiPid = apiPid;
      killed.workerDiedAt = diedAt;
      await env.sink.release();
      // Rows the dead worker claimed: leased until at most its death + the lease.
      leasedByDeadWorker = await env.db
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('locked_until', '>', sql<Date>`now()`)
        .where(
          'locked_until',
          '<=',
          sql<Date>`${diedAt}::timestamptz + make_interval(secs => ${LEASE_MS / 1000})`,
        )
        .execute();
      await sleep(2_000);
      const [api] = await Promise.all([env.restartServer(1), env.startWorker()]);
      restartedApiUrl = api.url;
    };

    const result = await runLoad({
      fixture,
      urls: env.urls,
      sink: env.sink,
      operations: OPERATIONS,
      clients: 50,
      rand: prng(SEED + 1),
      schedule: [
        { at: KILL_AT, name: 'kill -9 of API process 1 and of the worker, then restart', run: crash },
      ],
      timeLimitMs: 180_000,
    });
    expect(result.faults.map((f) => f.error ?? 'ok')).toEqual(['ok']);
    expect(restartedApiUrl).not.toBe('');

    // The dead worker's lease would run out after 120 s; let that time pass for its rows only.
    const advanced = await sql`
      UPDATE outbox SET locked_until = now() - interval '1 second'
      WHERE status = 'pending' AND locked_until > now()
        AND locked_until <= ${killed.workerDiedAt!}::timestamptz + make_interval(secs => ${LEASE_MS / 1000})`.execute(
      env.db,
    );
    const { audit, mail, ledger } = await settleAndAudit('crash', env, result, { drainTimeoutMs: 60_000 });
    const resent = await env.db
      .selectFrom('outbox')
      .select(['id', 'message_id', 'attempts'])
      .where('message_id', 'in', mail.duplicates.length > 0 ? mail.duplicates.map(([id]) => id) : [''])
      .execute();
    console.log(
      `[crash] killed API pid ${killed.apiPid} and worker pid ${killed.workerPid}; ${heldAtKill} SMTP transactions held at the kill; ` +
        `${leasedByDeadWorker.length} rows leased by the dead worker (${Number(advanced.numAffectedRows ?? 0)} still leased after the load, released); ` +
        `${result.networkErrors.length} requests cut off by the kill; at-least-once re-sends: ${mail.duplicates.length} ${JSON.stringify(resent)}`,
    );

    // Only requests to the killed process went unanswered; nothing answered 5xx.
    expect(result.serverErrors).toEqual([]);
    expect(result.networkErrors.filter((e) => e.url !== killed.apiUrl)).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(result.operations).toBe(OPERATIONS);
    // The worker did die mid-batch, holding leases.
    expect(leasedByDeadWorker.length).toBeGreaterThan(0);

    expect(audit.violations).toEqual([]);
    expect(ledger).toEqual([]);
    expect(mail.missing).toEqual([]);
    expect(mail.unknown).toEqual([]);
    expect(mail.uniqueReceived).toBe(mail.sentRows);
    // A re-send is a row the dead worker had claimed, delivered again under the same Message-ID.
    const deadRows = new Set(leasedByDeadWorker.map((r) => r.id));
    for (const r of resent) expect(deadRows.has(r.id), JSON.stringify(r)).toBe(true);
    expect((await outboxState(env.db)).pending).toBe(0);

    // The restarted API process serves requests.
    const ws = fixture.workspaces[0]!;
    const me = await fetch(`${restartedApiUrl}/api/v1/me`, {
      headers: { authorization: `Bearer ${ws.admin.token}` },
    });
    expect(me.status).toBe(200);
  });
});
