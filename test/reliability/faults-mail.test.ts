import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadEnv, PROCESS_LOG_ERROR, requirePostgres, startLoadEnv } from './support/load-env.js';
import { settleAndAudit } from './support/load-report.js';
import { runLoad } from './support/load-run.js';
import { type LoadFixture, prng, seedLoad } from './support/load-seed.js';

/**
 * SPEC §4 under a mail outage: the SMTP server goes down for 30 seconds in the middle of
 * the mixed load, then comes back on the same port. The worker retries with back-off
 * (capped with DELIVERY_MAX_DELAY_MS so the test need not wait an hour), and every email
 * arrives exactly once, by Message-ID; the API never notices (no 5xx).
 *
 * The sink stops accepting before it goes down (it holds the answers to DATA and drops
 * them with the connections), so the outage never swallows an email it already answered
 * 250 to: that case is the crash suite's at-least-once re-send, not this one's.
 */

const SEED = Number(process.env.LOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OPERATIONS = 1_200;
const DOWN_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SMTP server down for 30 seconds under load (PostgreSQL)', () => {
  let env: LoadEnv;
  let fixture: LoadFixture;

  beforeAll(async () => {
    env = await startLoadEnv(await requirePostgres(), { workerEnv: { DELIVERY_MAX_DELAY_MS: '8000' } });
    fixture = await seedLoad(env.urls(), prng(SEED));
  }, 180_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('mail server down 30 s mid-load, then back: every email arrives exactly once, none dead', async () => {
    console.log(`[faults-mail] seed ${SEED} (replay with LOAD_SEED=${SEED})`);
    const outage = { receivedBefore: 0, downAt: 0, upAt: 0, pendingAtRestart: 0, failedAttempts: 0 };
    const down = async () => {
      // Stop answering first, and let the emails being accepted right now get their 250 (parsing
      // them can take a while on a busy machine), so the outage cuts off no answered email.
      env.sink.hold();
      let count = env.sink.messages.length;
      let stableSince = Date.now();
      while (Date.now() - stableSince < 1_000) {
        await sleep(100);
        if (env.sink.messages.length !== count) {
          count = env.sink.messages.length;
          stableSince = Date.now();
        }
      }
      await env.sink.stop();
      await env.sink.release();
      outage.receivedBefore = env.sink.messages.length;
      outage.downAt = Date.now();
      await sleep(DOWN_MS);
      const failing = await env.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .where('last_error', 'is not', null)
        .executeTakeFirstOrThrow();
      outage.pendingAtRestart = Number(failing.n);
      await env.sink.start();
      outage.upAt = Date.now();
    };

    const result = await runLoad({
      fixture,
      urls: env.urls,
      sink: env.sink,
      operations: OPERATIONS,
      clients: 20,
      rand: prng(SEED + 1),
      schedule: [{ at: 100, name: `SMTP sink down ${DOWN_MS / 1000} s`, run: down }],
      timeLimitMs: 150_000,
    });
    const receivedWhileDown = env.sink.messages.filter(
      (m) => m.receivedAt >= outage.downAt && m.receivedAt < outage.upAt,
    ).length;
    const { audit, mail, ledger, drainMs } = await settleAndAudit('faults-mail', env, result, {
      drainTimeoutMs: 60_000,
    });
    const retried = await env.db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('attempts').as('maxAttempts')])
      .where('attempts', '>', 1)
      .executeTakeFirstOrThrow();
    console.log(
      `[faults-mail] sink down ${((outage.upAt - outage.downAt) / 1000).toFixed(1)} s; ${outage.pendingAtRestart} emails waiting on a retry when it came back; ` +
        `${retried.n} emails needed more than one attempt (at most ${retried.maxAttempts}); drained ${drainMs} ms after the load`,
    );

    if (mail.duplicates.length > 0) {
      const rows = await env.db
        .selectFrom('outbox')
        .select(['message_id', 'attempts', 'last_error', 'created_at', 'sent_at'])
        .where(
          'message_id',
          'in',
          mail.duplicates.map(([id]) => id),
        )
        .execute();
      const copies = env.sink.messages
        .filter((m) => mail.duplicates.some(([id]) => id === m.messageId))
        .map((m) => ({ id: m.messageId, receivedAt: m.receivedAt - outage.downAt }));
      console.log(
        `[faults-mail] duplicates (ms after the outage began): ${JSON.stringify({ rows, copies })}`,
      );
    }
    expect(result.faults.map((f) => f.error ?? 'ok')).toEqual(['ok']);
    expect(receivedWhileDown).toBe(0);
    // The outage did hit deliveries, and they were retried.
    expect(outage.pendingAtRestart).toBeGreaterThan(0);
    expect(Number(retried.n)).toBeGreaterThan(0);

    expect(result.serverErrors).toEqual([]);
    expect(result.networkErrors).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(audit.violations).toEqual([]);
    expect(ledger).toEqual([]);
    // Exactly once: nothing missing, nothing twice, nothing dead (the audit also requires every row 'sent').
    expect(mail.missing).toEqual([]);
    expect(mail.duplicates).toEqual([]);
    expect(mail.unknown).toEqual([]);
    expect(mail.uniqueReceived).toBe(mail.sentRows);
    expect(mail.received).toBe(mail.sentRows);
    expect(env.dump()).not.toMatch(PROCESS_LOG_ERROR);
  });
});
