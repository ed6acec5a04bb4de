import { appealBlocker, isAppealReviewer } from './appeal.js';
import { currentAssignmentIndex } from './assignments.js';
import { isCancelable, isRequesterOrAdmin } from './cancel.js';
import { isOpenForDecisions } from './needs-info.js';
import { samePerson } from './people.js';
import { recipientsLockedFor } from './policy.js';
import type { Actor, Approval, ApprovalSettings, PersonRef } from './types.js';

/** Named on the current step (answered or not) while the approval is pending or waits for information. */
export function isCurrentApprover(approval: Approval, p: PersonRef): boolean {
  return isOpenForDecisions(approval.status) && currentAssignmentIndex(approval, p) >= 0;
}

export function canRespond(approval: Approval, p: PersonRef): boolean {
  if (approval.status === 'appeal_pending') return isAppealReviewer(approval, p);
  if (!isOpenForDecisions(approval.status)) return false;
  const assignment = approval.assignments[currentAssignmentIndex(approval, p)];
  return assignment !== undefined && assignment.decision === null;
}

/**
 * SPEC rule 2 as §8.6 amends it: members see every approval; a contact named
 * on it (an approver not removed, or an appeal reviewer) sees it whatever
 * `contactsCanViewApprovals` says, as their email link does; any other
 * contact only with the switch on and access to the ticket.
 */
export function canSee(approval: Approval, viewer: Actor, settings: ApprovalSettings): boolean {
  if (viewer.type === 'member') return true;
  if (isNamedOn(approval, { type: 'contact', id: viewer.id })) return true;
  return settings.contactsCanViewApprovals && viewer.hasTicketAccess;
}

/** An approver who was not removed, on any started step, or a reviewer of its appeal. */
export function isNamedOn(approval: Approval, person: PersonRef): boolean {
  return (
    approval.assignments.some((a) => a.removedAt === null && samePerson(a.person, person)) ||
    isAppealReviewer(approval, person)
  );
}

export function canComment(approval: Approval, actor: Actor): boolean {
  if (actor.type === 'member') return true;
  const self: PersonRef = { type: 'contact', id: actor.id };
  if (approval.status === 'appeal_pending') return isAppealReviewer(approval, self);
  return isCurrentApprover(approval, self);
}

export function canCancel(approval: Approval, actor: Actor): boolean {
  return isRequesterOrAdmin(approval, actor) && isCancelable(approval);
}

export function canEditRecipients(approval: Approval, actor: Actor): boolean {
  return actor.type === 'member' && approval.status === 'pending' && !recipientsLockedFor(approval, actor);
}

export function canAppeal(approval: Approval, actor: Actor, settings: ApprovalSettings): boolean {
  return appealBlocker(approval, actor, settings) === null;
}
