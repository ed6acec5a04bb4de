import { replaceAt } from './assignments.js';
import { fail, ok } from './result.js';
import type { Approval, Result, Transition } from './types.js';

export function isDueToExpire(approval: Approval, now: Date): boolean {
  return (
    approval.status === 'pending' &&
    approval.expiresAt !== null &&
    now.getTime() >= approval.expiresAt.getTime()
  );
}

export function expire(approval: Approval, now: Date): Result<Transition> {
  if (!isDueToExpire(approval, now))
    return fail('not_pending', 'This approval is not pending past its expiry.');
  const index = approval.currentStepIndex;
  const state = approval.stepStates[index]!;
  return ok({
    approval: {
      ...approval,
      status: 'expired',
      completedAt: now,
      stepStates: replaceAt(approval.stepStates, index, { ...state, status: 'expired', completedAt: now }),
    },
    events: [{ type: 'expired' }],
  });
}
