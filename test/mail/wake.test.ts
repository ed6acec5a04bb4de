import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';
import { addMember, FAST_POLICY, type MailEnv, mailTo, sleep, startMailEnv } from './harness.js';

/**
 * SPEC §4 "within 5 s of its event": a new outbox row wakes the delivery worker at once (a trigger
 * NOTIFYs, the worker LISTENs on PostgreSQL and listens through PGlite's own API), instead of waiting
 * for its next poll. The poll here is a minute, so only the wake-up can deliver in time; and on
 * PostgreSQL the listening connection comes back after it is killed.
 */

const SLOW_POLL = { ...FAST_POLICY, pollMs: 60_000 };

let env: MailEnv;
let ws: Workspace;
let ticketId: string;

beforeAll(async () => {
  env = await startMailEnv({ policy: SLOW_POLL });
  ws = await newWorkspace(env.api, { approvalsEnabled: true });
  const contact = expectStatus(
    await env.api.post(
      '/contacts',
      { name: 'Wake Customer', email: 'wake-customer@example.test' },
      { token: ws.admin.token },
    ),
    201,
  );
  ticketId = (await ws.ticket(contact)).id;
  // The worker's first look finds nothing; from now on it sleeps for the minute unless woken.
  await sleep(500);
});

afterAll(() => env?.close());

async function requestAndTime(title: string) {
  const approver = await addMember(env.api, ws, { name: `Wake ${title}` });
  const started = Date.now();
  expectStatus(
    await env.api.post(
      `/tickets/${ticketId}/approvals`,
      { title, approvers: [memberRef(approver)] },
      { token: ws.admin.token },
    ),
    201,
  );
  await env.sink.waitFor(mailTo(approver, title), 5_000);
  return Date.now() - started;
}

describe(`SPEC §4 outbox wake-up (${engine})`, () => {
  it('§4 with a one-minute poll, a new email still leaves within 5 s: the insert wakes the worker', async () => {
    for (const title of ['Wake one', 'Wake two', 'Wake three']) {
      expect(await requestAndTime(title)).toBeLessThan(5_000);
      await sleep(300);
    }
  });

  it.runIf(engine === 'postgres')(
    '§4 the listening connection killed (pg_terminate_backend): it reconnects, and wake-ups work again',
    async () => {
      const listeners = () =>
        sql<{ pid: number }>`
          SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN signoff_outbox'`.execute(env.db);
      const before = (await listeners()).rows;
      expect(before).toHaveLength(1);
      await sql`SELECT pg_terminate_backend(${before[0]!.pid})`.execute(env.db);
      const deadline = Date.now() + 10_000;
      let after: { pid: number }[] = [];
      while (Date.now() < deadline) {
        after = (await listeners()).rows;
        if (after.length === 1 && after[0]!.pid !== before[0]!.pid) break;
        await sleep(100);
      }
      expect(after.map((r) => r.pid)).not.toContain(before[0]!.pid);
      expect(after).toHaveLength(1);
      expect(await requestAndTime('Wake after reconnect')).toBeLessThan(5_000);
      expect(env.log.lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(
        env.log.lines.some((l) => l.msg === 'outbox wake-up connection lost; polling until it is back'),
      ).toBe(true);
    },
  );
});
