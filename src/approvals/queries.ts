import { sql } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { Db } from '../shared/db/connect.js';
import type { ApprovalStatus, DisplayStatus } from './core/types.js';

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
  status: ApprovalStatus;
  display_status: DisplayStatus;
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

/** Beyond this many waiting approvals, `awaitingQuery` walks the workspace's approvals instead. */
const MANY_AWAITING = 1000;

/**
 * SPEC rule 12: approvals on which the person is a current approver who has
 * not answered (or a reviewer of a pending appeal), newest first.
 *
 * Two plans, both exact; a gate picks the one that is fast for this person.
 * - A few waiting (the usual case): the ids from their two sources, a UNION
 *   so that each is read from its own index (`approval_assignments_awaiting_idx`,
 *   `approvals_appeal_pending_idx`), each approval then looked up. The OR of
 *   the two in one WHERE (the other plan) reads every approval of the
 *   workspace when fewer than `limit` are found.
 * - Thousands waiting: looking each one up to sort them costs more than
 *   walking the workspace's approvals newest first, probing a hashed set of
 *   the ids, until `limit` are found (an index scan that stops early).
 * The gate counts at most MANY_AWAITING index entries (`OFFSET` past them).
 */
function awaitingQuery(principal: Principal, limit: number) {
  const ws = principal.workspaceId;
  const assigned = sql`
    SELECT x.approval_id FROM approval_assignments x
    WHERE x.workspace_id = ${ws} AND x.person_type = ${principal.type} AND x.person_id = ${principal.id}
      AND x.awaiting`;
  const reviewing = sql`a.status = 'appeal_pending'
    AND a.appeal -> 'reviewers' @> ${JSON.stringify([{ type: principal.type, id: principal.id }])}::jsonb`;
  const many = sql`EXISTS (${assigned} OFFSET ${MANY_AWAITING - 1})`;
  return sql`
    SELECT 'awaiting' AS list, ${taskColumns}
    FROM (
      (SELECT a.id
      FROM (${assigned} UNION SELECT a.id FROM approvals a WHERE a.workspace_id = ${ws} AND ${reviewing}) w
      JOIN approvals a ON a.workspace_id = ${ws} AND a.id = w.approval_id
      WHERE NOT ${many}
      ORDER BY a.number DESC
      LIMIT ${limit})
      UNION ALL
      (SELECT a.id
      FROM approvals a
      WHERE a.workspace_id = ${ws} AND (a.id IN (${assigned}) OR ${reviewing}) AND ${many}
      ORDER BY a.number DESC
      LIMIT ${limit})
    ) awaiting
    JOIN approvals a ON a.workspace_id = ${ws} AND a.id = awaiting.id
    JOIN tickets t ON t.workspace_id = a.workspace_id AND t.id = a.ticket_id
    JOIN members m ON m.workspace_id = a.workspace_id AND m.id = a.requested_by
    ORDER BY a.number DESC`;
}

/** Approvals the member requested that were not canceled, newest first. */
function requestedQuery(principal: Principal, limit: number) {
  const ws = principal.workspaceId;
  return sql`
    SELECT 'requested' AS list, ${taskColumns}
    FROM approvals a
    JOIN tickets t ON t.workspace_id = a.workspace_id AND t.id = a.ticket_id
    JOIN members m ON m.workspace_id = a.workspace_id AND m.id = a.requested_by
    WHERE a.workspace_id = ${ws} AND a.requested_by = ${principal.id} AND a.status <> 'canceled'
    ORDER BY a.number DESC
    LIMIT ${limit}`;
}

/** Both lists of SPEC rule 12 in one statement (a contact requests nothing). */
export async function approvalTasks(
  db: Db,
  principal: Principal,
  limit: number,
): Promise<{ awaiting: TaskRow[]; requested: TaskRow[] }> {
  const lists =
    principal.type === 'member'
      ? sql`(${awaitingQuery(principal, limit)}) UNION ALL (${requestedQuery(principal, limit)})`
      : awaitingQuery(principal, limit);
  const query = sql<TaskRow & { list: string }>`SELECT * FROM (${lists}) tasks`;
  const { rows } = await query.execute(db);
  const list = (name: string) =>
    rows
      .filter((r) => r.list === name)
      .map(({ list: _list, ...row }) => row)
      .sort((a, b) => b.number - a.number);
  return { awaiting: list('awaiting'), requested: list('requested') };
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
