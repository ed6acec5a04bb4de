import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDue, remindDue } from '../../src/approvals/scheduler.js';
import {
  activityOf,
  agents,
  createTemplate,
  decide,
  expectStatus,
  memberRef,
  outboxRows,
  recipientsOf,
  requestApproval,
} from '../support/approvals.js';
import { type Client, client } from '../support/client.js';
import { engine } from '../support/database.js';
import { startServer, type TestServer } from '../support/server.js';
import { newWorkspace, type Person } from '../support/workspace.js';

/**
 * The time-driven work of `src/approvals/scheduler.ts`, driven by the `now` the background loop passes:
 * automatic reminders (settings `autoRemindAfterHours`, `maxAutoReminders`) and expiry (a template's
 * `expireAfterHours`, SPEC §2). Issue 13 item 2: mutations of both loops survived the suite before.
 */

let server: TestServer;
let api: Client;

const db = () => server.database.handle.db;
const HOUR = 3600_000;
const MINUTE = 60_000;

beforeAll(async () => {
  server = await startServer();
  api = client(server.url);
});
afterAll(() => server?.close());

describe(`automatic reminders: due, capped, never to who answered (${engine})`, () => {
  it('reminds each awaited approver once due and not before, at most maxAutoReminders times', async () => {
    const ws = await newWorkspace(api, {
      approvalsEnabled: true,
      autoRemindAfterHours: 1,
      maxAutoReminders: 3,
    });
    const [early, answered, late] = await agents(ws, 3);
    const ticket = await ws.ticket(await ws.contact());
    const approval = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Reminded',
      approvers: [memberRef(early), memberRef(answered), memberRef(late)],
      rule: { type: 'all' },
    });
    const asked = await db()
      .selectFrom('approval_assignments')
      .select('added_at')
      .where('approval_id', '=', approval.id)
      .where('person_id', '=', early.id)
      .executeTakeFirstOrThrow();
    const start = new Date(asked.added_at).getTime();
    // `late` was asked 90 minutes after the others (as if added by edit recipients then).
    await db()
      .updateTable('approval_assignments')
      .set({ added_at: new Date(start + 90 * MINUTE) })
      .where('approval_id', '=', approval.id)
      .where('person_id', '=', late.id)
      .execute();
    await decide(api, answered, approval.id, 'approve');

    let seen = 0;
    /** Runs the loop at `start + offset` and answers who was reminded by that run. */
    const runAt = async (offset: number) => {
      const counted = await remindDue(db(), new Date(start + offset));
      const rows = await outboxRows(db(), approval.id, 'approval_reminder');
      const fresh = rows.slice(seen);
      seen = rows.length;
      // What the loop says it did is what it did: one email per person reminded.
      expect(counted, 'people reminded, as remindDue counts them').toBe(fresh.length);
      return recipientsOf(fresh);
    };
    const person = (p: Person) => `member:${p.id}`;

    expect(await runAt(HOUR - MINUTE), 'not before autoRemindAfterHours').toEqual([]);
    expect(await runAt(HOUR + MINUTE), 'the first reminder, once due').toEqual([person(early)]);
    expect(await runAt(HOUR + 2 * MINUTE), 'not again until another interval').toEqual([]);
    expect(await runAt(2 * HOUR + 2 * MINUTE), 'the second reminder').toEqual([person(early)]);
    // `late` is due now; `early`, reminded 38 minutes ago, counts its interval from that reminder.
    expect(await runAt(2 * HOUR + 40 * MINUTE), 'late is due, early not again yet').toEqual([person(late)]);
    expect(await runAt(3 * HOUR + 3 * MINUTE), 'the third and last for early').toEqual([person(early)]);
    expect(await runAt(3 * HOUR + 41 * MINUTE)).toEqual([person(late)]);
    // `early` has had maxAutoReminders (3) and is due again by time: the cap stops it.
    expect(await runAt(4 * HOUR + 42 * MINUTE), 'the cap stops early').toEqual([person(late)]);
    expect(await runAt(50 * HOUR), 'everyone has reached the cap').toEqual([]);

    const reminders = (await activityOf(api, ws.admin.token, ticket.id, approval.id)).filter(
      (a) => a.type === 'reminder_sent',
    );
    expect(reminders).toHaveLength(6);
    // Who answered was never reminded.
    const rows = await outboxRows(db(), approval.id, 'approval_reminder');
    expect(recipientsOf(rows)).not.toContain(person(answered));
  });

  it('no reminder without autoRemindAfterHours, nor once the approval is finished', async () => {
    const ws = await newWorkspace(api, { approvalsEnabled: true, maxAutoReminders: 3 });
    const [approver, other] = await agents(ws, 2);
    const ticket = await ws.ticket(await ws.contact());
    const approval = await requestApproval(api, ws.admin, ticket.id, {
      title: 'Quiet',
      approvers: [memberRef(approver), memberRef(other)],
      rule: { type: 'all' },
    });
    await remindDue(db(), new Date(Date.now() + 10 * HOUR));
    expect(await outboxRows(db(), approval.id, 'approval_reminder')).toEqual([]);
    await ws.settings({ autoRemindAfterHours: 1 });
    await decide(api, approver, approval.id, 'deny');
    await remindDue(db(), new Date(Date.now() + 10 * HOUR));
    expect(await outboxRows(db(), approval.id, 'approval_reminder')).toEqual([]);
  });
});

describe(`expiry loop: expireDue (${engine})`, () => {
  it('expires every pending approval past expires_at (activity and email), leaves the others alone', async () => {
    const ws = await newWorkspace(api);
    const [requester, approver] = await agents(ws, 2);
    const ticket = await ws.ticket(await ws.contact());
    const steps = [{ name: 'Decide', approvers: [memberRef(approver)], rule: { type: 'any' } }];
    const quick = await createTemplate(api, ws.admin, { name: 'Quick', expireAfterHours: 1, steps });
    const slow = await createTemplate(api, ws.admin, { name: 'Slow', expireAfterHours: 5, steps });
    const start = Date.now();
    const dueOne = await requestApproval(api, requester, ticket.id, {
      templateId: quick.id,
      title: 'Due one',
    });
    const dueTwo = await requestApproval(api, requester, ticket.id, {
      templateId: quick.id,
      title: 'Due two',
    });
    const notYet = await requestApproval(api, requester, ticket.id, {
      templateId: slow.id,
      title: 'Not yet',
    });
    const done = await requestApproval(api, requester, ticket.id, { templateId: quick.id, title: 'Done' });
    await decide(api, approver, done.id, 'approve');

    const statusOf = async (id: string) =>
      expectStatus(await api.get(`/approvals/${id}`, { token: ws.admin.token }), 200).status;
    const expiredLines = async (id: string) =>
      (await activityOf(api, ws.admin.token, ticket.id, id)).filter((a) => a.type === 'expired');

    expect(await expireDue(db(), new Date(start + HOUR - MINUTE)), 'nothing is due yet').toBe(0);
    expect(await statusOf(dueOne.id)).toBe('pending');

    expect(await expireDue(db(), new Date(start + HOUR + MINUTE))).toBe(2);
    for (const id of [dueOne.id, dueTwo.id]) {
      expect(await statusOf(id)).toBe('expired');
      expect(await expiredLines(id)).toHaveLength(1);
      expect(recipientsOf(await outboxRows(db(), id, 'approval_expired'))).toEqual([
        `member:${requester.id}`,
      ]);
    }
    expect(await statusOf(notYet.id)).toBe('pending');
    expect(await statusOf(done.id)).toBe('approved');
    for (const id of [notYet.id, done.id]) {
      expect(await expiredLines(id)).toEqual([]);
      expect(await outboxRows(db(), id, 'approval_expired')).toEqual([]);
    }

    // Run again: what expired stays expired once, with one line and one email.
    expect(await expireDue(db(), new Date(start + 2 * HOUR))).toBe(0);
    expect(await expiredLines(dueOne.id)).toHaveLength(1);
    expect(await outboxRows(db(), dueOne.id, 'approval_expired')).toHaveLength(1);

    expect(await expireDue(db(), new Date(start + 5 * HOUR + MINUTE))).toBe(1);
    expect(await statusOf(notYet.id)).toBe('expired');
    expect(await statusOf(done.id)).toBe('approved');
  });
});
