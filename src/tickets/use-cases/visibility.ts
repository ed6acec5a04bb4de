import type { Principal } from '../../auth/principal.js';
import type { Db } from '../../shared/db/connect.js';
import { getSettings } from '../../workspaces/repo.js';
import type { TicketView } from '../repo.js';

/**
 * SPEC rule 2: with `contactsCanViewApprovals` off, a contact learns nothing of a ticket's approvals,
 * not even that there are some. The queries read the ticket as anyone may; these shape the answer.
 */

/** Whether the ticket's approvals are hidden from this principal. */
export async function approvalsHiddenFrom(db: Db, principal: Principal): Promise<boolean> {
  return (
    principal.type === 'contact' && !(await getSettings(db, principal.workspaceId)).contactsCanViewApprovals
  );
}

/** The ticket as if it had no approvals. */
export function withoutApprovalStatus<T extends TicketView>(ticket: T): T {
  return { ...ticket, approvalStatus: null, approvalCounts: { unfinished: 0, total: 0 } };
}

/**
 * SPEC §8.1: a decision whose comment is internal keeps its activity line for contacts, without the
 * comment.
 */
export function withoutInternalComment(data: Record<string, unknown>): Record<string, unknown> {
  if (!data.commentInternal) return data;
  const { comment: _comment, ...rest } = data;
  return rest;
}
