import { decideAppeal, isAppealReviewer } from './appeal.js';
import { currentAssignmentIndex, replaceAt } from './assignments.js';
import { resumeFromNeedsInfo } from './needs-info.js';
import { person } from './people.js';
import { denialCommentBlocker } from './policy.js';
import { settleCurrentStep } from './progress.js';
import { fail, ok } from './result.js';
import type {
  Approval,
  Channel,
  Decision,
  PersonRef,
  ResolutionContext,
  Result,
  Transition,
} from './types.js';

/**
 * Records `by`'s answer on the current step (or on the appeal while one is pending).
 * `ctx` may be null unless `needsResolutionContext(approval)` is true.
 * `options.commentInternal` keeps the comment from contacts (SPEC §8.1; not for appeals).
 */
export function decide(
  approval: Approval,
  by: PersonRef,
  decision: Decision,
  comment: string | null,
  channel: Channel,
  ctx: ResolutionContext | null,
  now: Date,
  options: { commentInternal?: boolean } = {},
): Result<Transition> {
  const commentInternal = options.commentInternal === true && comment !== null;
  if (approval.status === 'appeal_pending') {
    return isAppealReviewer(approval, by)
      ? decideAppeal(approval, by, decision, comment, channel, now)
      : fail('not_an_approver', 'Only the appeal reviewers may decide during an appeal.');
  }
  // A decision ends a wait for information (SPEC §8.1); a refused one changes nothing.
  if (approval.status === 'needs_info') {
    return decide(resumeFromNeedsInfo(approval, now), by, decision, comment, channel, ctx, now);
  }
  if (approval.status !== 'pending') return fail('not_pending', 'This approval is finished.');

  const index = currentAssignmentIndex(approval, by);
  const assignment = approval.assignments[index];
  if (assignment === undefined)
    return fail('not_an_approver', 'You are not an approver of the current step.');
  if (assignment.decision !== null) return fail('already_decided', 'You have already answered on this step.');
  const commentMissing = denialCommentBlocker(approval, decision, comment);
  if (commentMissing) return commentMissing;

  const recorded: Approval = {
    ...approval,
    assignments: replaceAt(approval.assignments, index, {
      ...assignment,
      decision: {
        value: decision,
        comment,
        at: now,
        channel,
        ...(commentInternal ? { commentInternal } : {}),
      },
    }),
  };
  const settled = settleCurrentStep(recorded, ctx, now);
  return ok({
    approval: settled.approval,
    events: [
      {
        type: 'decision_recorded',
        stepIndex: approval.currentStepIndex,
        by: person(by),
        decision,
        comment,
        ...(commentInternal ? { commentInternal } : {}),
        channel,
      },
      ...settled.events,
    ],
  });
}
