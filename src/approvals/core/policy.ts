/**
 * The template switches of SPEC §8.1 (`preventSelfApproval`, `requireCommentOnDeny`,
 * `lockRecipients`) and `whenNobody`, as the rest of the core asks about them.
 */
import { includesPerson } from './people.js';
import { fail } from './result.js';
import type {
  Actor,
  Approval,
  ApprovalEvent,
  Decision,
  PersonRef,
  Result,
  StepDefinition,
  TemplateSwitches,
  WhenNobody,
} from './types.js';

export const NO_SWITCHES: TemplateSwitches = {
  preventSelfApproval: false,
  requireCommentOnDeny: false,
  lockRecipients: false,
};

export function switchesOf(approval: Pick<Approval, 'switches'>): TemplateSwitches {
  return approval.switches ?? NO_SWITCHES;
}

export function whenNobodyOf(step: StepDefinition): WhenNobody {
  return step.whenNobody ?? 'wait';
}

/** The people `preventSelfApproval` keeps off every step: the requesting member and the on-behalf-of person. */
export function selfApprovers(
  approval: Pick<Approval, 'switches' | 'requestedBy' | 'onBehalfOf'>,
): PersonRef[] {
  if (!switchesOf(approval).preventSelfApproval) return [];
  const requester: PersonRef = { type: 'member', id: approval.requestedBy };
  return approval.onBehalfOf ? [requester, approval.onBehalfOf] : [requester];
}

/** Removes the self-approvers from a step's resolved people, with an `approver_left_out` event for each. */
export function leaveOutSelfApprovers(
  approval: Pick<Approval, 'switches' | 'requestedBy' | 'onBehalfOf'>,
  stepIndex: number,
  resolved: PersonRef[],
): { people: PersonRef[]; events: ApprovalEvent[] } {
  const kept = selfApprovers(approval);
  if (kept.length === 0) return { people: resolved, events: [] };
  return {
    people: resolved.filter((p) => !includesPerson(kept, p)),
    events: resolved
      .filter((p) => includesPerson(kept, p))
      .map((p) => ({ type: 'approver_left_out', stepIndex, person: p, reason: 'self_approval' }) as const),
  };
}

/** `self_approval` when edit recipients would add a person `preventSelfApproval` keeps out. */
export function selfApprovalBlocker(approval: Approval, added: PersonRef[]): Result<never> | null {
  const kept = selfApprovers(approval);
  return added.some((p) => includesPerson(kept, p))
    ? fail('self_approval', 'The requesting member and the person the request is for cannot approve it.')
    : null;
}

/** `comment_required` for a denial without a non-empty comment under `requireCommentOnDeny`. */
export function denialCommentBlocker(
  approval: Approval,
  decision: Decision,
  comment: string | null,
): Result<never> | null {
  if (decision !== 'deny' || !switchesOf(approval).requireCommentOnDeny) return null;
  return comment?.trim() ? null : fail('comment_required', 'A denial of this request needs a comment.');
}

/** Under `lockRecipients` only admins edit recipients (issue 10 finding 11). */
export function recipientsLockedFor(approval: Approval, actor: Actor): boolean {
  return switchesOf(approval).lockRecipients && !(actor.type === 'member' && actor.role === 'admin');
}
