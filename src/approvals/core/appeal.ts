import { actorAsPerson, includesPerson, person, uniquePeople } from './people.js';
import { denialCommentBlocker } from './policy.js';
import { fail, ok } from './result.js';
import type {
  Actor,
  Approval,
  ApprovalSettings,
  Channel,
  Decision,
  DomainError,
  PersonRef,
  Result,
  Transition,
} from './types.js';

export const APPEAL_REASON_MAX_LENGTH = 2000;

export function isAppealReviewer(approval: Approval, p: PersonRef): boolean {
  return approval.appeal !== null && includesPerson(approval.appeal.reviewers, p);
}

/** Why `actor` may not appeal now, or null; shared by `requestAppeal` and `canAppeal`. */
export function appealBlocker(
  approval: Approval,
  actor: Actor,
  settings: ApprovalSettings,
): DomainError | null {
  if (!settings.appealsEnabled || !approval.allowAppeals) {
    return { code: 'appeals_not_allowed', message: 'Appeals are not allowed for this approval.' };
  }
  if (approval.appeal !== null) {
    return { code: 'appeal_exists', message: 'This approval has already been appealed.' };
  }
  if (approval.status !== 'denied') {
    return { code: 'not_denied', message: 'Only a denied approval can be appealed.' };
  }
  if (actor.type === 'contact' && !actor.hasTicketAccess) {
    return {
      code: 'not_allowed',
      message: 'Only a member or a contact with access to the ticket may appeal.',
    };
  }
  return null;
}

/** `reviewers` are the approval's appeal reviewers, resolved by the caller with `resolveApprovers`. */
export function requestAppeal(
  approval: Approval,
  actor: Actor,
  reason: string,
  settings: ApprovalSettings,
  reviewers: PersonRef[],
  now: Date,
): Result<Transition> {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > APPEAL_REASON_MAX_LENGTH) {
    return fail('invalid_reason', `An appeal needs a reason of 1 to ${APPEAL_REASON_MAX_LENGTH} characters.`);
  }
  const blocker = appealBlocker(approval, actor, settings);
  if (blocker !== null) return { ok: false, error: blocker };
  const people = uniquePeople(reviewers);
  if (people.length === 0)
    return fail('no_appeal_reviewers', 'Nobody can review an appeal of this approval.');

  const by = actorAsPerson(actor);
  return ok({
    approval: {
      ...approval,
      status: 'appeal_pending',
      // Live again until the appeal is decided; the denied step keeps its own completedAt.
      completedAt: null,
      appeal: {
        reason: trimmed,
        requestedBy: by,
        requestedAt: now,
        reviewers: people,
        status: 'pending',
        decision: null,
      },
    },
    events: [{ type: 'appeal_requested', by, reason: trimmed, reviewers: people.map(person) }],
  });
}

export function decideAppeal(
  approval: Approval,
  by: PersonRef,
  decision: Decision,
  comment: string | null,
  channel: Channel,
  now: Date,
): Result<Transition> {
  const appeal = approval.appeal;
  if (approval.status !== 'appeal_pending' || appeal === null) {
    return fail('not_pending', 'There is no pending appeal on this approval.');
  }
  if (!includesPerson(appeal.reviewers, by)) {
    return fail('not_an_approver', 'Only the appeal reviewers may decide an appeal.');
  }
  const commentMissing = denialCommentBlocker(approval, decision, comment);
  if (commentMissing) return commentMissing;
  const status = decision === 'approve' ? 'approved' : 'denied';
  const reviewer = person(by);
  const stepStates =
    status === 'approved'
      ? approval.stepStates.map((s) =>
          s.status === 'waiting' ? { ...s, status: 'skipped' as const, completedAt: now } : s,
        )
      : approval.stepStates;
  return ok({
    approval: {
      ...approval,
      status,
      stepStates,
      completedAt: now,
      appeal: { ...appeal, status, decision: { value: decision, comment, by: reviewer, at: now, channel } },
    },
    events: [
      { type: 'appeal_decided', by: reviewer, decision, comment, channel },
      { type: 'completed', status },
    ],
  });
}
