import { samePerson } from './people.js';
import type { Approval, Assignment, PersonRef } from './types.js';

export function replaceAt<T>(list: readonly T[], index: number, value: T): T[] {
  return list.map((item, i) => (i === index ? value : item));
}

/** Assignments of one step that still count (not removed). */
export function liveAssignmentsOfStep(approval: Approval, stepIndex: number): Assignment[] {
  return approval.assignments.filter((a) => a.stepIndex === stepIndex && a.removedAt === null);
}

export function currentAssignments(approval: Approval): Assignment[] {
  return liveAssignmentsOfStep(approval, approval.currentStepIndex);
}

/** People currently asked on the current step (regardless of status). */
export function currentApprovers(approval: Approval): PersonRef[] {
  return currentAssignments(approval).map((a) => a.person);
}

/** Index in `approval.assignments` of the person's live assignment on the current step, or -1. */
export function currentAssignmentIndex(approval: Approval, p: PersonRef): number {
  return approval.assignments.findIndex(
    (a) => a.stepIndex === approval.currentStepIndex && a.removedAt === null && samePerson(a.person, p),
  );
}

export function newAssignment(stepIndex: number, p: PersonRef, now: Date): Assignment {
  return {
    stepIndex,
    person: p,
    decision: null,
    addedAt: now,
    removedAt: null,
    lastReminderAt: null,
    reminderCount: 0,
  };
}
