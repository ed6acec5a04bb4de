import { sql } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { Db } from '../shared/db/connect.js';

/** Approvals of a ticket, newest first; canceled ones no longer appear on the ticket (SPEC rule 7). */
export async function ticketApprovalIds(
  db: Db,
  workspaceId: string,
  ticketId: string,
  beforeNumber: number | null,
  limit: number,
) {
  let q = db
    .selectFrom('approvals')
    .select(['id', 'number'])
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .where('status', '<>', 'canceled');
  if (beforeNumber !== null) q = q.where('number', '<', beforeNumber);
  return q
    .orderBy('number', 'desc')
    .limit(limit + 1)
    .execute();
}

export type TaskRow = {
  id: string;
  number: number;
  ticket_id: string;
  ticket_number: number;
  ticket_subject: string;
  title: string;
  status: string;
  display_status: string;
  current_step_index: number;
  steps: unknown;
  requested_by: string;
  requested_by_name: string;
  created_at: Date;
  updated_at: Date;
};

const taskColumns = sql`a.id, a.number, a.ticket_id, t.number AS ticket_number, t.subject AS ticket_subject,
  a.title, a.status, a.display_status, a.current_step_index, a.steps, a.requested_by,
  m.name AS requested_by_name, a.created_at, a.updated_at`;

/**
 * SPEC rule 12: approvals on which the person is a current approver who has
 * not answered (or a reviewer of a pending appeal), newest first.
 */
export async function awaitingTasks(db: Db, principal: Principal, limit: number): Promise<TaskRow[]> {
  const ws = principal.workspaceId;
  const person = JSON.stringify([{ type: principal.type, id: principal.id }]);
  const { rows } = await sql<TaskRow>`
    SELECT ${taskColumns}
    FROM approvals a
    JOIN tickets t ON t.workspace_id = a.workspace_id AND t.id = a.ticket_id
    JOIN members m ON m.workspace_id = a.workspace_id AND m.id = a.requested_by
    WHERE a.workspace_id = ${ws} AND (
      a.id IN (
        SELECT x.approval_id FROM approval_assignments x
        WHERE x.workspace_id = ${ws} AND x.person_type = ${principal.type} AND x.person_id = ${principal.id} AND x.awaiting
      )
      OR (a.status = 'appeal_pending' AND a.appeal -> 'reviewers' @> ${person}::jsonb)
    )
    ORDER BY a.number DESC
    LIMIT ${limit}`.execute(db);
  return rows;
}

export async function requestedTasks(db: Db, principal: Principal, limit: number): Promise<TaskRow[]> {
  if (principal.type !== 'member') return [];
  const ws = principal.workspaceId;
  const { rows } = await sql<TaskRow>`
    SELECT ${taskColumns}
    FROM approvals a
    JOIN tickets t ON t.workspace_id = a.workspace_id AND t.id = a.ticket_id
    JOIN members m ON m.workspace_id = a.workspace_id AND m.id = a.requested_by
    WHERE a.workspace_id = ${ws} AND a.requested_by = ${principal.id} AND a.status <> 'canceled'
    ORDER BY a.number DESC
    LIMIT ${limit}`.execute(db);
  return rows;
}

export function toTask(r: TaskRow) {
  const steps = r.steps as { name: string }[];
  return {
    id: r.id,
    number: r.number,
    ticket: { id: r.ticket_id, number: r.ticket_number, subject: r.ticket_subject },
    ticketId: r.ticket_id,
    title: r.title,
    status: r.status,
    displayStatus: r.display_status,
    currentStepIndex: r.current_step_index,
    currentStepName: steps[r.current_step_index]?.name ?? null,
    requestedBy: { type: 'member' as const, id: r.requested_by, name: r.requested_by_name },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
