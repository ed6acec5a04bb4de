import { liveAssignmentsOfStep, newAssignment, replaceAt } from './assignments.js';
import { aboveCap, tooManyPeople } from './limits.js';
import { includesPerson, samePerson, uniquePeople } from './people.js';
import { selfApprovalBlocker } from './policy.js';
import { settleCurrentStep } from './progress.js';
import { fail, ok } from './result.js';
import { evaluateStep } from './rules.js';
import type { Approval, Assignment, PersonRef, ResolutionContext, Result, Transition } from './types.js';

/**
 * Adds and removes people on the current step. A person in both lists ends up
 * removed (or not added). `ctx` may be null unless `needsResolutionContext(approval)`.
 */
export function editRecipients(
  approval: Approval,
  add: PersonRef[],
  remove: PersonRef[],
  ctx: ResolutionContext | null,
  now: Date,
): Result<Transition> {
  if (approval.status !== 'pending')
    return fail('not_pending', 'Recipients can only be edited while pending.');
  const stepIndex = approval.currentStepIndex;
  const onStep = liveAssignmentsOfStep(approval, stepIndex).map((a) => a.person);

  const removed = uniquePeople(remove).filter((p) => includesPerson(onStep, p));
  const added = uniquePeople(add).filter((p) => !includesPerson(onStep, p) && !includesPerson(remove, p));
  const selfApproval = selfApprovalBlocker(approval, added);
  if (selfApproval) return selfApproval;
  if (added.length === 0 && removed.length === 0) return ok({ approval, events: [] });

  // Removed rows stay for the audit trail; a re-added person gets a fresh row.
  const assignments: Assignment[] = [
    ...approval.assignments.map((a) =>
      a.stepIndex === stepIndex && a.removedAt === null && removed.some((p) => samePerson(p, a.person))
        ? { ...a, removedAt: now }
        : a,
    ),
    ...added.map((p) => newAssignment(stepIndex, p, now)),
  ];
  // A step waiting on `no_approvers` starts as soon as someone is added (SPEC §8.1).
  const waitingState = approval.stepStates[stepIndex]!;
  const edited: Approval = {
    ...approval,
    assignments,
    ...(waitingState.status === 'no_approvers' && added.length > 0
      ? {
          stepStates: replaceAt(approval.stepStates, stepIndex, {
            ...waitingState,
            status: 'active' as const,
            startedAt: now,
          }),
        }
      : {}),
  };
  const editedEvent = { type: 'recipients_edited', stepIndex, added, removed } as const;

  const remaining = liveAssignmentsOfStep(edited, stepIndex);
  if (remaining.length === 0) {
    const state = edited.stepStates[stepIndex]!;
    return ok({
      approval: {
        ...edited,
        status: 'canceled',
        completedAt: now,
        stepStates: replaceAt(edited.stepStates, stepIndex, {
          ...state,
          status: 'canceled',
          completedAt: now,
        }),
      },
      events: [editedEvent, { type: 'canceled', by: null, reason: 'no_recipients' }],
    });
  }

  // Only additions are held to the cap: a step over it (the cap was lowered since) may still shed people.
  const cap = added.length > 0 ? aboveCap(remaining.length, ctx) : null;
  if (cap !== null) return tooManyPeople(remaining.length, cap, 'add');

  const rule = edited.stepStates[stepIndex]!.rule;
  if (rule.type === 'min' && evaluateStep(rule, remaining) === 'denied') {
    return fail('min_unreachable', `After this edit the step could no longer reach ${rule.count} approvals.`);
  }
  const settled = settleCurrentStep(edited, ctx, now);
  return ok({ approval: settled.approval, events: [editedEvent, ...settled.events] });
}
