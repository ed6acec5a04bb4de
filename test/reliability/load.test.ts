import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadEnv, PROCESS_LOG_ERROR, requirePostgres, startLoadEnv } from './support/load-env.js';
import { settleAndAudit } from './support/load-report.js';
import { runLoad } from './support/load-run.js';
import { type LoadFixture, prng, seedLoad } from './support/load-seed.js';

/**
 * SPEC rule 13 and §4 under a mixed load: three API processes (WORKER=off) and one delivery
 * worker process on one PostgreSQL database, a real SMTP sink, 50 concurrent clients and
 * 2,000 random operations. Afterwards the SQL audit (support/audit.ts) must find nothing,
 * every accepted decision must be recorded and no refused one, every email must arrive
 * exactly once by Message-ID, and no request may answer 5xx.
 *
 * Replay a run's random choices with LOAD_SEED=<seed printed below>.
 */

const SEED = Number(process.env.LOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPERATIONS = 2_000;

describe('mixed load on three API processes and a worker (PostgreSQL)', () => {
  let env: LoadEnv;
  let fixture: LoadFixture;

  beforeAll(async () => {
    env = await startLoadEnv(await requirePostgres());
    fixture = await seedLoad(env.urls(), prng(SEED));
  }, 180_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('2,000 random operations from 50 clients: no 5xx, only allowed answers, the audit holds, each email once', async () => {
    console.log(
      `[load] seed ${SEED} (replay with LOAD_SEED=${SEED}), ${fixture.approvals.length} approvals seeded`,
    );
    const result = await runLoad({
      fixture,
      urls: env.urls,
      sink: env.sink,
      operations: OPERATIONS,
      clients: 50,
      rand: prng(SEED + 1),
      timeLimitMs: 150_000,
    });
    const { audit, mail, ledger } = await settleAndAudit('load', env, result);

    expect(result.operations).toBe(OPERATIONS);
    expect(result.serverErrors).toEqual([]);
    expect(result.networkErrors).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(audit.violations).toEqual([]);
    expect(ledger).toEqual([]);
    expect(mail.missing).toEqual([]);
    expect(mail.duplicates).toEqual([]);
    expect(mail.unknown).toEqual([]);
    expect(mail.uniqueReceived).toBe(mail.sentRows);

    // The load reached what it is meant to exercise.
    const ok = (kind: string) => result.byKind[kind]?.['200'] ?? 0;
    expect(ok('decide')).toBeGreaterThan(50);
    expect(ok('link')).toBeGreaterThan(5);
    expect(ok('recipients')).toBeGreaterThan(5);
    expect(ok('appeal')).toBeGreaterThan(3);
    expect(ok('appeal_decide')).toBeGreaterThan(0);
    expect(audit.figures.approved).toBeGreaterThan(10);
    expect(audit.figures.denied! + audit.figures.appealed!).toBeGreaterThan(10);

    expect(env.dump()).not.toMatch(PROCESS_LOG_ERROR);
  });
});
