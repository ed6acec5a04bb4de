import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Db } from '../shared/db/connect.js';
import type { Channel, PersonRef } from '../shared/vocabulary.js';
import type { activityType } from './schemas.js';

/** The kinds of activity line; the list lives with the response schema that documents it. */
export type ActivityType = z.infer<typeof activityType>;

export type ActivityInput = {
  ticketId: string;
  approvalId?: string | null;
  type: ActivityType;
  actor?: PersonRef | null;
  channel?: Channel | null;
  data?: Record<string, unknown>;
  /** Hidden from contacts (internal notes and comments). */
  internal?: boolean;
};

/** The INSERT of activity entries (at least one). */
export function activitiesInsert(db: Db, workspaceId: string, entries: ActivityInput[]) {
  return db.insertInto('activities').values(
    entries.map((e) => ({
      workspace_id: workspaceId,
      id: randomUUID(),
      ticket_id: e.ticketId,
      approval_id: e.approvalId ?? null,
      type: e.type,
      actor_type: e.actor?.type ?? null,
      actor_id: e.actor?.id ?? null,
      channel: e.channel ?? null,
      internal: e.internal ?? false,
      data: JSON.stringify(e.data ?? {}),
    })),
  );
}

export async function recordActivities(db: Db, workspaceId: string, entries: ActivityInput[]): Promise<void> {
  if (entries.length === 0) return;
  await activitiesInsert(db, workspaceId, entries).execute();
}

export async function listActivity(
  db: Db,
  workspaceId: string,
  ticketId: string,
  options: { afterSeq: number | null; limit: number; forContact: { approvalsVisible: boolean } | null },
) {
  let q = db
    .selectFrom('activities')
    .select([
      'id',
      'seq',
      'approval_id',
      'type',
      'actor_type',
      'actor_id',
      'channel',
      'internal',
      'data',
      'created_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId);
  if (options.afterSeq !== null) q = q.where('seq', '>', options.afterSeq);
  if (options.forContact) {
    q = q.where('internal', '=', false);
    if (!options.forContact.approvalsVisible) q = q.where('approval_id', 'is', null);
  }
  const rows = await q
    .orderBy('seq')
    .limit(options.limit + 1)
    .execute();
  return rows;
}
