import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeAsOne } from '../../src/shared/db/connect.js';
import { enqueue, type OutboxMessage, outboxInsert } from '../../src/shared/outbox/index.js';
import { createWorkspace } from '../../src/workspaces/repo.js';
import { engine, openTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The one outbox writer (src/shared/outbox): approvals and accounts write their emails through
 * it, alone (`enqueue`) or inside a transition's single round trip (`executeAsOne`).
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(() => database?.close());

const member = { type: 'member' as const, id: randomUUID() };
const contact = { type: 'contact' as const, id: randomUUID() };

async function outboxOf(workspaceId: string) {
  const rows = await database.handle.db
    .selectFrom('outbox')
    .select(['event_id', 'kind', 'approval_id', 'recipient_type', 'recipient_id', 'payload', 'attempts'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('seq')
    .execute();
  return rows;
}

describe(`the outbox writer (${engine})`, () => {
  it('writes one row per message, with its kind, recipient and payload, ready to send', async () => {
    const db = database.handle.db;
    const ws = await createWorkspace(db, { name: 'A' });
    const event = randomUUID();
    await enqueue(db, ws.id, [
      {
        eventId: event,
        kind: 'approval_requested',
        approvalId: null,
        recipient: member,
        payload: { stepIndex: 1 },
      },
      {
        eventId: event,
        kind: 'approval_requested',
        approvalId: null,
        recipient: contact,
        payload: { stepIndex: 1 },
      },
    ]);
    expect(await outboxOf(ws.id)).toEqual([
      {
        event_id: event,
        kind: 'approval_requested',
        approval_id: null,
        recipient_type: 'member',
        recipient_id: member.id,
        payload: { stepIndex: 1 },
        attempts: 0,
      },
      {
        event_id: event,
        kind: 'approval_requested',
        approval_id: null,
        recipient_type: 'contact',
        recipient_id: contact.id,
        payload: { stepIndex: 1 },
        attempts: 0,
      },
    ]);
  });

  it('never writes an event twice for one recipient: in one call, or when a change is retried', async () => {
    const db = database.handle.db;
    const ws = await createWorkspace(db, { name: 'B' });
    const event = randomUUID();
    const requested: OutboxMessage = {
      eventId: event,
      kind: 'approval_requested',
      approvalId: null,
      recipient: member,
      payload: {},
    };
    await enqueue(db, ws.id, [requested, requested]);
    await enqueue(db, ws.id, [requested]);
    expect(await outboxOf(ws.id)).toHaveLength(1);
    // Another event for the same person is another email.
    await enqueue(db, ws.id, [{ ...requested, eventId: randomUUID(), kind: 'approval_approved' }]);
    expect((await outboxOf(ws.id)).map((r) => r.kind)).toEqual(['approval_requested', 'approval_approved']);
  });

  it("runs within a transition's one round trip, counting the rows it wrote", async () => {
    const db = database.handle.db;
    const ws = await createWorkspace(db, { name: 'C' });
    const event = randomUUID();
    const messages: OutboxMessage[] = [member, contact, member].map((recipient) => ({
      eventId: event,
      kind: 'decision_recorded',
      approvalId: null,
      recipient,
      payload: { decision: 'approve' },
    }));
    const [written] = await executeAsOne(db, [outboxInsert(ws.id, messages)]);
    expect(written).toBe(2);
    expect((await outboxOf(ws.id)).map((r) => r.recipient_id)).toEqual([member.id, contact.id]);
  });
});
