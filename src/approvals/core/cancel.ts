import { replaceAt } from './assignments.js';
import { closeInfoRequest } from './needs-info.js';
import { fail, ok } from './result.js';
import type { Actor, Approval, Result, Transition } from './types.js';

export function isRequesterOrAdmin(approval: Approval, actor: Actor): boolean {
  return actor.type === 'member' && (actor.role === 'admin' || actor.id === approval.requestedBy);
}

/** Unfinished: pending, waiting for information, or under appeal. */
export function isCancelable(approval: Approval): boolean {
  return (
    approval.status === 'pending' || approval.status === 'needs_info' || approval.status === 'appeal_pending'
  );
}

export function cancel(approval: Approval, actor: Actor, now: Date): Result<Transition> {
  if (actor.type !== 'member' || !isRequesterOrAdmin(approval, actor)) {
    return fail('not_allowed', 'Only the requesting member or an admin may cancel an approval.');
  }
  if (!isCancelable(approval)) {
    return fail('not_pending', 'This approval is finished.');
  }
  const index = approval.currentStepIndex;
  const state = approval.stepStates[index]!;
  const stepStates =
    state.status === 'active' || state.status === 'no_approvers'
      ? replaceAt(approval.stepStates, index, { ...state, status: 'canceled' as const, completedAt: now })
      : approval.stepStates;
  return ok({
    approval: { ...closeInfoRequest(approval, now), status: 'canceled', stepStates, completedAt: now },
    events: [{ type: 'canceled', by: { type: 'member', id: actor.id }, reason: 'requested' }],
  });
}
