import { currentAssignmentIndex } from './assignments.js';
import { actorAsPerson, samePerson } from './people.js';
import { fail, ok } from './result.js';
import type { Actor, Approval, ApprovalStatus, Assignment, PersonRef, Result, Transition } from './types.js';

/**
 * "Needs information" (SPEC §8.1): an approval waiting on an answer from the
 * requester side. It is unfinished like `pending`: approvers may still decide,
 * and it blocks solving the ticket; but automatic reminders wait and the expiry
 * deadline moves by the time it lasts.
 */

/** Statuses in which the current step still takes decisions. */
export function isOpenForDecisions(status: ApprovalStatus): status is 'pending' | 'needs_info' {
  return status === 'pending' || status === 'needs_info';
}

/** A current-step approver who has not answered, or any member (agents and admins). */
export function canAskForInfo(approval: Approval, actor: Actor): boolean {
  if (approval.status !== 'pending') return false;
  if (actor.type === 'member') return true;
  const assignment = approval.assignments[currentAssignmentIndex(approval, actorAsPerson(actor))];
  return assignment !== undefined && assignment.decision === null;
}

/** The requesting member, the on-behalf-of person, or any member (agents and admins). */
export function canProvideInfo(approval: Approval, actor: Actor, onBehalfOf: PersonRef | null): boolean {
  if (approval.status !== 'needs_info') return false;
  return isRequesterSide(actor, onBehalfOf);
}

function isRequesterSide(actor: Actor, onBehalfOf: PersonRef | null): boolean {
  return actor.type === 'member' || (onBehalfOf !== null && samePerson(onBehalfOf, actorAsPerson(actor)));
}

export function askForInfo(
  approval: Approval,
  actor: Actor,
  question: string,
  now: Date,
): Result<Transition> {
  if (approval.status !== 'pending') {
    return fail('not_pending', 'Information can only be asked for while the approval is pending.');
  }
  if (!canAskForInfo(approval, actor)) {
    return fail(
      'not_an_approver',
      'Only an approver of the current step who has not answered, or an agent, may ask.',
    );
  }
  const by = actorAsPerson(actor);
  return ok({
    approval: {
      ...approval,
      status: 'needs_info',
      infoRequest: { askedBy: by, askedAt: now, endedAt: null },
    },
    events: [{ type: 'needs_info_requested', by, question }],
  });
}

export function provideInfo(
  approval: Approval,
  actor: Actor,
  onBehalfOf: PersonRef | null,
  answer: string,
  now: Date,
): Result<Transition> {
  const request = approval.infoRequest;
  if (approval.status !== 'needs_info' || !request) {
    return fail('not_needs_info', 'This approval is not waiting for information.');
  }
  if (!isRequesterSide(actor, onBehalfOf)) {
    return fail('not_allowed', 'Only the requester, the person it is on behalf of, or an agent may answer.');
  }
  return ok({
    approval: resumeFromNeedsInfo(approval, now),
    events: [{ type: 'info_provided', by: actorAsPerson(actor), answer, askedBy: request.askedBy }],
  });
}

/** Closes the open question, if any, without changing the status (cancel does this). */
export function closeInfoRequest(approval: Approval, now: Date): Approval {
  const request = approval.infoRequest;
  if (!request || request.endedAt !== null) return approval;
  return { ...approval, infoRequest: { ...request, endedAt: now } };
}

/**
 * Back to `pending` (an answer, or a decision that does not finish the approval):
 * the expiry deadline moves by the time spent waiting for information.
 */
export function resumeFromNeedsInfo(approval: Approval, now: Date): Approval {
  const request = approval.infoRequest;
  if (approval.status !== 'needs_info' || !request) return approval;
  const pausedMs = Math.max(0, now.getTime() - request.askedAt.getTime());
  return {
    ...closeInfoRequest(approval, now),
    status: 'pending',
    expiresAt: approval.expiresAt && new Date(approval.expiresAt.getTime() + pausedMs),
  };
}

/**
 * When an awaited approver's next automatic reminder is due: `intervalMs` after
 * their last reminder (or being asked), counted again from the end of the last
 * wait for information; never while the approval waits for information.
 */
export function automaticReminderDueAt(
  approval: Approval,
  assignment: Assignment,
  intervalMs: number,
): Date | null {
  if (approval.status !== 'pending') return null;
  const anchor = (assignment.lastReminderAt ?? assignment.addedAt).getTime();
  const resumedAt = approval.infoRequest?.endedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return new Date(Math.max(anchor, resumedAt) + intervalMs);
}
