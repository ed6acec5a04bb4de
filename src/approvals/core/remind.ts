import { replaceAt } from './assignments.js';
import { person, samePerson } from './people.js';
import { fail, ok } from './result.js';
import type { Approval, PersonRef, Result, Transition } from './types.js';

/** At most one reminder per approver per step every 5 minutes (SPEC rule 8). */
export const REMINDER_INTERVAL_MS = 5 * 60 * 1000;

/** Reminds one approver (`target`) or every approver who has not answered on the current step. */
export function remind(approval: Approval, target: PersonRef | null, now: Date): Result<Transition> {
  if (approval.status !== 'pending') return fail('not_pending', 'Only a pending approval can be resent.');
  const stepIndex = approval.currentStepIndex;

  const candidates = approval.assignments
    .map((assignment, index) => ({ assignment, index }))
    .filter(
      ({ assignment: a }) =>
        a.stepIndex === stepIndex &&
        a.removedAt === null &&
        a.decision === null &&
        (target === null || samePerson(a.person, target)),
    );
  if (candidates.length === 0) {
    return fail(
      'not_awaiting',
      target === null ? 'Nobody is awaited on this step.' : 'This person is not awaited.',
    );
  }

  const eligibleAt = (lastReminderAt: Date | null): number =>
    lastReminderAt === null ? Number.NEGATIVE_INFINITY : lastReminderAt.getTime() + REMINDER_INTERVAL_MS;
  const eligible = candidates.filter(
    ({ assignment }) => eligibleAt(assignment.lastReminderAt) <= now.getTime(),
  );
  if (eligible.length === 0) {
    const soonest = Math.min(...candidates.map(({ assignment }) => eligibleAt(assignment.lastReminderAt)));
    const retryAfterSeconds = Math.max(1, Math.ceil((soonest - now.getTime()) / 1000));
    return fail('reminder_too_soon', `Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
  }

  let assignments = approval.assignments;
  for (const { assignment, index } of eligible) {
    assignments = replaceAt(assignments, index, {
      ...assignment,
      lastReminderAt: now,
      reminderCount: assignment.reminderCount + 1,
    });
  }
  return ok({
    approval: { ...approval, assignments },
    events: [
      { type: 'reminder_sent', stepIndex, to: eligible.map(({ assignment }) => person(assignment.person)) },
    ],
  });
}
