import { liveAssignmentsOfStep, replaceAt } from './assignments.js';
import { isOpenForDecisions } from './needs-info.js';
import { evaluateStep } from './rules.js';
import { enterStep } from './start.js';
import type { Approval, ResolutionContext, Transition } from './types.js';

/**
 * True when a change to this approval could start another step, so the caller
 * loads a `ResolutionContext` only then.
 */
export function needsResolutionContext(approval: Approval): boolean {
  return isOpenForDecisions(approval.status) && approval.currentStepIndex < approval.steps.length - 1;
}

/**
 * Re-evaluates the current step after a decision or an edit and carries out what
 * follows: nothing, a denial of the whole approval, the next step, or approval.
 */
export function settleCurrentStep(approval: Approval, ctx: ResolutionContext | null, now: Date): Transition {
  const index = approval.currentStepIndex;
  const state = approval.stepStates[index];
  if (state === undefined) throw new Error(`no step state at index ${index}`);
  const outcome = evaluateStep(state.rule, liveAssignmentsOfStep(approval, index));
  if (outcome === 'open') return { approval, events: [] };

  const finished: Approval = {
    ...approval,
    stepStates: replaceAt(approval.stepStates, index, { ...state, status: outcome, completedAt: now }),
  };
  const stepCompleted = { type: 'step_completed', stepIndex: index, outcome } as const;

  if (outcome === 'denied') {
    return {
      approval: { ...finished, status: 'denied', completedAt: now },
      events: [stepCompleted, { type: 'completed', status: 'denied' }],
    };
  }
  if (index + 1 < approval.steps.length) {
    if (ctx === null) {
      throw new Error('a resolution context is required to start the next step (see needsResolutionContext)');
    }
    const next = enterStep(finished, index + 1, ctx, now);
    return { approval: next.approval, events: [stepCompleted, ...next.events] };
  }
  return {
    approval: { ...finished, status: 'approved', completedAt: now },
    events: [stepCompleted, { type: 'completed', status: 'approved' }],
  };
}
