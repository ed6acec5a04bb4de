import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxInsert } from '../../src/approvals/effects.js';
import { enqueue, type OutboxMessage } from '../../src/mail/outbox.js';
import { executeAsOne } from '../../src/shared/db/connect.js';
import { createWorkspace } from '../../src/workspaces/repo.js';
import { engine, openTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * A transition writes its outbox rows in the statement that writes the
 * approval (`outboxInsert`, one round trip); everything else goes through
 * `enqueue`. Both must write the same rows.
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(() => database?.close());

describe(`outbox rows of a transition (${engine})`, () => {
  it('are the rows `enqueue` writes, the same message twice written once', async () => {
    const db = database.handle.db;
    const [first, second] = [
      await createWorkspace(db, { name: 'A' }),
      await createWorkspace(db, { name: 'B' }),
    ];
    const event = randomUUID();
    const member = { type: 'member' as const, id: randomUUID() };
    const contact = { type: 'contact' as const, id: randomUUID() };
    const messages: OutboxMessage[] = [
      {
        eventId: event,
        kind: 'approval_requested',
        approvalId: null,
        recipient: member,
        payload: { stepIndex: 0 },
      },
      {
        eventId: event,
        kind: 'approval_requested',
        approvalId: null,
        recipient: contact,
        payload: { stepIndex: 0 },
      },
      {
        eventId: event,
        kind: 'approval_requested',
        approvalId: null,
        recipient: member,
        payload: { stepIndex: 0 },
      },
      { eventId: randomUUID(), kind: 'approval_approved', approvalId: null, recipient: member, payload: {} },
    ];
    await enqueue(db, first.id, messages);
    await executeAsOne(db, [outboxInsert(db, second.id, messages).returning('id')]);

    const rows = async (workspaceId: string) =>
      (
        await db
          .selectFrom('outbox')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .orderBy('seq')
          .execute()
      ).map(({ workspace_id, id, seq, created_at, next_attempt_at, ...row }) => row);
    const written = await rows(first.id);
    expect(written).toHaveLength(3);
    expect(await rows(second.id)).toEqual(written);
  });
});
