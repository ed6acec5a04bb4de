import { resolveApprovers } from './resolve.js';
import { fail } from './result.js';
import type { PersonRef, ResolutionContext, Result, StepDefinition } from './types.js';

/**
 * The cap on the people one step may resolve to (workspace setting `maxApproversPerStep`, carried in the
 * resolution context): it bounds the rows, emails and time one request may cost. Absent: no cap.
 */
const capOf = (ctx: ResolutionContext | null): number | null => ctx?.maxPeoplePerStep ?? null;

/** `count` people asked where at most `cap` may be: 400, naming the count, on `field`. */
export function tooManyPeople(count: number, cap: number, field: string): Result<never> {
  return fail(
    'too_many_approvers',
    `This step would ask ${count} people; at most ${cap} may be asked on one step (workspace setting maxApproversPerStep).`,
    { field },
  );
}

/** The first step that resolves above the cap with what is known now, or null. */
export function oversizedStep(
  steps: readonly StepDefinition[],
  ctx: ResolutionContext,
): { index: number; count: number } | null {
  const cap = capOf(ctx);
  if (cap === null) return null;
  for (const [index, step] of steps.entries()) {
    const count = resolveApprovers(step.approvers, ctx).length;
    if (count > cap) return { index, count };
  }
  return null;
}

/**
 * A later step that grew past the cap after the request was made (a group gained people) starts with
 * the first `cap` people in reference order rather than not at all; `leftOut` says how many were not asked.
 */
export function capPeople(
  people: PersonRef[],
  ctx: ResolutionContext | null,
): { kept: PersonRef[]; leftOut: number } {
  const cap = capOf(ctx);
  if (cap === null || people.length <= cap) return { kept: people, leftOut: 0 };
  return { kept: people.slice(0, cap), leftOut: people.length - cap };
}

/** Whether a step with `count` live people is above the cap. */
export function aboveCap(count: number, ctx: ResolutionContext | null): number | null {
  const cap = capOf(ctx);
  return cap !== null && count > cap ? cap : null;
}
