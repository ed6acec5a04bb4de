import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { decodeCursor, numberCursor, paginationQuery, toPage } from '../../shared/http/pagination.js';
import type { AppDeps } from '../../shared/http/types.js';
import { visibleTicket } from '../../tickets/repo.js';
import { requireApprovalsEnabled } from '../../workspaces/repo.js';
import * as core from '../core/index.js';
import { approvalTasks as loadApprovalTasks, ticketApprovalIds, toTask } from '../queries.js';
import { loadApprovals } from '../repo.js';
import { actorOf, openApproval } from '../service.js';
import { approvalView, approvalViews } from '../view.js';
import { approvalPage, approvalSchema, tasksSchema } from '../view-schema.js';

/** The reads of the approvals module: one approval, a ticket's approvals, and the caller's tasks. */

/** GET /approvals/{id}. */
export const getApprovalResponse = approvalSchema.describe('The approval as the caller may see it');

/** GET /approvals/{id}: the approval as the caller may see it, or 404. */
export async function getApproval(deps: AppDeps, principal: Principal, approvalId: string) {
  const ws = principal.workspaceId;
  const { stored, actor, settings, comments } = await openApproval(deps.db, principal, approvalId, {
    lock: false,
    comments: true,
  });
  return approvalView(deps.db, ws, stored, actor, settings, { comments });
}

/** GET /tickets/{id}/approvals. */
export const ticketApprovalsQuery = z.strictObject(paginationQuery);
export const ticketApprovalsResponse = approvalPage.describe(
  'A page of the approvals of the ticket the caller may see',
);

/**
 * A ticket's approvals, newest first, those the caller may see. With contactsCanViewApprovals off a contact
 * still sees those they are named on (canSee, SPEC §8.6).
 */
export async function ticketApprovals(
  deps: AppDeps,
  principal: Principal,
  ticketId: string,
  query: z.infer<typeof ticketApprovalsQuery>,
) {
  const { db } = deps;
  const ws = principal.workspaceId;
  const settings = await requireApprovalsEnabled(db, ws);
  const ticket = await visibleTicket(db, principal, ticketId);
  const after = decodeCursor(query.cursor, numberCursor);
  const rows = await ticketApprovalIds(db, ws, ticket.id, after?.n ?? null, query.limit);
  const page = toPage(
    rows,
    query.limit,
    (r) => r.id,
    (r) => ({ n: r.number }),
  );
  const stored = await loadApprovals(db, ws, page.items);
  const actor = await actorOf(db, principal, ticket.id);
  const visible = stored.filter((s) => core.canSee(s.state, actor, settings));
  const items = await approvalViews(db, ws, visible, actor, settings);
  return { items, nextCursor: page.nextCursor };
}

/** GET /me/approval-tasks. */
export const approvalTasksQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const approvalTasksResponse = tasksSchema.describe(
  'What waits on the caller, and what they requested',
);

/**
 * SPEC rule 12: what waits on the caller, and (members) what they requested. A contact is awaited only
 * where they are named, and those they see whatever contactsCanViewApprovals says: their portal lists them.
 */
export async function approvalTasks(deps: AppDeps, principal: Principal, limit: number) {
  await requireApprovalsEnabled(deps.db, principal.workspaceId);
  const { awaiting, requested } = await loadApprovalTasks(deps.db, principal, limit);
  return { awaitingMe: awaiting.map(toTask), requestedByMe: requested.map(toTask) };
}
