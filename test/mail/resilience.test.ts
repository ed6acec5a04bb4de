import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../src/background.js';
import { type MailTransport, smtpTransport } from '../../src/mail/transport.js';
import { expectStatus, groupRef, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import { newWorkspace, type Workspace } from '../support/workspace.js';
import {
  addMember,
  bulkMembers,
  drain,
  duplicates,
  expectedMessageId,
  FAST_POLICY,
  type MailEnv,
  sleep,
  startMailEnv,
} from './harness.js';

/**
 * SPEC §4: emails are written to the outbox with the change, then delivered
 * with retries and back-off: none lost while the mail server is down, none
 * sent twice, also with several workers at once; messages that keep failing
 * become dead letters that an admin can send again.
 */

let env: MailEnv;
let ws: Workspace;
let ticket: { id: string; number: number };

async function outboxOf(approvalIds: string[]) {
  return env.db
    .selectFrom('outbox')
    .select([
      'id',
      'event_id',
      'kind',
      'recipient_type',
      'recipient_id',
      'status',
      'attempts',
      'last_error',
      'message_id',
    ])
    .where('approval_id', 'in', approvalIds)
    .orderBy('seq')
    .execute();
}

/** Every outbox row of these approvals reached the sink exactly once, under its stable Message-ID. */
async function expectEachExactlyOnce(approvalIds: string[], expectedRows: number) {
  const rows = await outboxOf(approvalIds);
  expect(rows).toHaveLength(expectedRows);
  const ids = rows.map((r) => expectedMessageId(r));
  const received = env.sink.messages.filter((m) => ids.includes(m.messageId));
  expect(duplicates(received.map((m) => m.messageId))).toEqual([]);
  expect(received.map((m) => m.messageId).sort()).toEqual([...ids].sort());
  for (const r of rows) {
    expect(r.status).toBe('sent');
    expect(r.message_id).toBe(expectedMessageId(r));
  }
  return rows;
}

async function waitForRows(approvalIds: string[], status: string, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await outboxOf(approvalIds)).filter((r) => r.status === status);
    if (rows.length >= count) return rows;
    if (Date.now() > deadline) {
      throw new Error(
        `${rows.length}/${count} rows ${status}: ${JSON.stringify(await outboxOf(approvalIds))}`,
      );
    }
    await sleep(50);
  }
}

beforeAll(async () => {
  env = await startMailEnv({ policy: FAST_POLICY });
  ws = await newWorkspace(env.api, { approvalsEnabled: true });
  const customer = await env.api.post(
    '/contacts',
    { name: 'R Customer', email: 'r-customer@example.test' },
    { token: ws.admin.token },
  );
  ticket = await ws.ticket({ ...customer.body, token: '' });
  // The ticket's own emails (its acknowledgement, SPEC §8.2) are delivered before any test stops the sink.
  await drain(env.db, env.sink);
});

afterAll(() => env?.close());

describe(`SPEC §4 delivery resilience (${engine})`, () => {
  it('§4 mail server down while approvals are requested, back a few seconds later: every email arrives exactly once', async () => {
    const people = await bulkMembers(env.api, ws, 8, 'Down');
    const decider = await addMember(env.api, ws, { name: 'Down Decider' });
    await env.sink.stop();
    const before = env.sink.messages.length;
    const approvals: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = expectStatus(
        await env.api.post(
          `/tickets/${ticket.id}/approvals`,
          {
            title: `Outage ${i}`,
            approvers: [memberRef(decider), ...people.slice(i * 2, i * 2 + 4).map(memberRef)],
            rule: { type: 'all' },
          },
          { token: ws.admin.token },
        ),
        201,
      );
      approvals.push(a.id);
    }
    // A decision while still down: its decision_recorded email waits too.
    expectStatus(
      await env.api.post(
        `/approvals/${approvals[0]}/decisions`,
        { decision: 'approve' },
        { token: decider.token },
      ),
      200,
    );
    const expected = (await outboxOf(approvals)).length;
    expect(expected).toBe(3 * 5 + 1);
    await sleep(2_500);
    // Retried and failed meanwhile, nothing lost, nothing delivered.
    const waiting = await outboxOf(approvals);
    expect(waiting.every((r) => r.status === 'pending')).toBe(true);
    expect(waiting.some((r) => r.attempts >= 2)).toBe(true);
    expect(waiting.every((r) => r.last_error !== null || r.attempts === 0)).toBe(true);
    expect(env.sink.messages.length).toBe(before);
    expect(env.log.lines.some((l) => l.level === 'warn' && l.msg === 'email delivery failed')).toBe(true);

    await env.sink.start();
    await drain(env.db, env.sink, 15_000);
    await sleep(1_000);
    const rows = await expectEachExactlyOnce(approvals, expected);
    expect(rows.some((r) => r.attempts >= 3)).toBe(true);
  });

  it('§4 dead letters: with maxAttempts 2 and the server down, rows become dead, GET /outbox/dead lists them (admin), POST /outbox/{id}/retry sends them once the server is back', async () => {
    await env.stopWorkers();
    env.startWorker({ ...FAST_POLICY, maxAttempts: 2 });
    const [p1, p2] = await bulkMembers(env.api, ws, 2, 'Dead');
    const agent = await addMember(env.api, ws, { name: 'Dead Agent' });
    await env.sink.stop();
    const a = expectStatus(
      await env.api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: 'Dead letters', approvers: [memberRef(p1!), memberRef(p2!)] },
        { token: ws.admin.token },
      ),
      201,
    );
    const dead = await waitForRows([a.id], 'dead', 2, 10_000);
    for (const r of dead) {
      expect(r.attempts).toBe(2);
      expect(r.last_error).toBeTruthy();
    }

    const list = expectStatus(await env.api.get('/outbox/dead', { token: ws.admin.token }), 200);
    const mine = list.items.filter((i: any) => i.approvalId === a.id);
    expect(mine.map((i: any) => i.id).sort()).toEqual(dead.map((r) => r.id).sort());
    for (const item of mine) {
      expect(item.kind).toBe('approval_requested');
      expect(item.attempts).toBe(2);
      expect(item.lastError).toBeTruthy();
      expect([p1!.id, p2!.id]).toContain(item.recipient.id);
      // Issue 15: the admin page of failed emails names the recipient and their address.
      const person = [p1!, p2!].find((p) => p.id === item.recipient.id)!;
      expect(item.recipient).toMatchObject({ type: 'member', name: person.name, email: person.email });
    }
    expect(list.nextCursor ?? null).toBeNull();
    // Admins only, and only their own workspace's.
    expect((await env.api.get('/outbox/dead', { token: agent.token })).status).toBe(403);
    expect((await env.api.get('/outbox/dead')).status).toBe(401);
    const foreign = await newWorkspace(env.api);
    const theirs = expectStatus(await env.api.get('/outbox/dead', { token: foreign.admin.token }), 200);
    expect(theirs.items).toEqual([]);
    expect(
      (await env.api.post(`/outbox/${dead[0]!.id}/retry`, undefined, { token: foreign.admin.token })).status,
    ).toBe(404);
    expect(
      (await env.api.post(`/outbox/${dead[0]!.id}/retry`, undefined, { token: agent.token })).status,
    ).toBe(403);

    // Back up: dead rows are not retried on their own.
    await env.sink.start();
    await sleep(1_000);
    expect(env.sink.messages.filter((m) => m.subject.includes('Dead letters'))).toEqual([]);
    expect((await waitForRows([a.id], 'dead', 2)).length).toBe(2);

    for (const r of dead) {
      const res = expectStatus(
        await env.api.post(`/outbox/${r.id}/retry`, undefined, { token: ws.admin.token }),
        200,
      );
      expect(res.status).toBe('pending');
    }
    await drain(env.db, env.sink);
    await expectEachExactlyOnce([a.id], 2);
    const after = expectStatus(await env.api.get('/outbox/dead', { token: ws.admin.token }), 200);
    expect(after.items.filter((i: any) => i.approvalId === a.id)).toEqual([]);
    // A sent row is no dead letter: retrying it is 404, and an unknown id too.
    expect(
      (await env.api.post(`/outbox/${dead[0]!.id}/retry`, undefined, { token: ws.admin.token })).status,
    ).toBe(404);
    expect(
      (
        await env.api.post('/outbox/00000000-0000-4000-8000-000000000000/retry', undefined, {
          token: ws.admin.token,
        })
      ).status,
    ).toBe(404);
    expect(
      (await env.api.post('/outbox/not-a-uuid/retry', undefined, { token: ws.admin.token })).status,
    ).toBe(404);
  });

  it('§4 two workers at once over the same database: each email exactly once', async () => {
    await env.stopWorkers();
    const people = await bulkMembers(env.api, ws, 40, 'Pair');
    const group = expectStatus(
      await env.api.post(
        '/approval-groups',
        { name: 'Pair group', memberIds: people.map((p) => p.id) },
        { token: ws.admin.token },
      ),
      201,
    );
    // Both are running before the emails exist, so both compete for them; each counts what it sends.
    const sent = [0, 0];
    for (const i of [0, 1]) {
      const inner = smtpTransport(env.config.smtpUrl!);
      const transport: MailTransport = {
        kind: 'smtp',
        async send(email) {
          await inner.send(email);
          sent[i]!++;
        },
        close: () => inner.close(),
      };
      env.backgrounds.push(
        startBackground({
          db: env.db,
          config: env.config,
          log: env.log,
          transport,
          policy: { ...FAST_POLICY, batchSize: 5 },
          scheduleEveryMs: 3_600_000,
        }),
      );
    }
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const a = expectStatus(
        await env.api.post(
          `/tickets/${ticket.id}/approvals`,
          { title: `Pair ${i}`, approvers: [groupRef(group)] },
          { token: ws.admin.token },
        ),
        201,
      );
      ids.push(a.id);
    }
    await drain(env.db, env.sink, 30_000);
    await sleep(500);
    await expectEachExactlyOnce(ids, 80);
    expect(sent[0]! + sent[1]!).toBe(80);
    // Both took part.
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[1]).toBeGreaterThan(0);
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM outbox WHERE approval_id IN (${sql.join(ids)}) AND attempts <> 1`.execute(
      env.db,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    expect(env.log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
