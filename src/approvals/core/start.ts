import { newAssignment, replaceAt } from './assignments.js';
import { capPeople, oversizedStep, tooManyPeople } from './limits.js';
import { person } from './people.js';
import { leaveOutSelfApprovers, whenNobodyOf } from './policy.js';
import { resolveApprovers } from './resolve.js';
import { fail, ok } from './result.js';
import { assertValidRule } from './rules.js';
import type {
  Approval,
  ApprovalEvent,
  ApproverRef,
  PersonRef,
  ResolutionContext,
  Result,
  Rule,
  StepDefinition,
  TemplateSwitches,
  Transition,
} from './types.js';

export type StartApprovalInput = {
  steps: StepDefinition[];
  requestedBy: string;
  allowAppeals: boolean;
  appealReviewers: ApproverRef[];
  expiresAt: Date | null;
  /** Ad hoc requests always have approvers: nobody on their one step is `no_approvers` (SPEC §8.6). */
  adHoc?: boolean;
  switches?: TemplateSwitches;
  onBehalfOf?: PersonRef | null;
};

function copyRule(rule: Rule): Rule {
  return rule.type === 'min' ? { type: 'min', count: rule.count } : { type: rule.type };
}

function activateStep(
  approval: Approval,
  index: number,
  people: PersonRef[],
  rule: Rule,
  now: Date,
): Approval {
  return {
    ...approval,
    currentStepIndex: index,
    stepStates: replaceAt(approval.stepStates, index, {
      status: 'active',
      rule,
      startedAt: now,
      completedAt: null,
    }),
    assignments: [...approval.assignments, ...people.map((p) => newAssignment(index, p, now))],
  };
}

/**
 * Makes the approval and enters its first step like any other (`enterStep`), except that
 * a first step with people whose `min` count is above them is refused, an ad hoc request
 * that resolves to nobody is refused, and so is a template whose every step is skipped:
 * an approval is never finished at the moment it is requested.
 */
export function startApproval(
  input: StartApprovalInput,
  ctx: ResolutionContext,
  now: Date,
): Result<Transition> {
  const first = input.steps[0];
  if (first === undefined) return fail('no_approvers', 'An approval needs at least one step.');
  for (const step of input.steps) assertValidRule(step.rule);

  // Every step as it resolves now: a request that cannot go through is refused before anything is written.
  const oversized = oversizedStep(input.steps, ctx);
  if (oversized) {
    const field = oversized.index === 0 ? 'approvers' : `steps[${oversized.index}].approvers`;
    return tooManyPeople(oversized.count, ctx.maxPeoplePerStep!, field);
  }

  const steps = input.steps.map(
    (s): StepDefinition => ({
      name: s.name,
      approvers: [...s.approvers],
      rule: copyRule(s.rule),
      ...(s.whenNobody ? { whenNobody: s.whenNobody } : {}),
    }),
  );
  const waiting: Approval = {
    status: 'pending',
    steps,
    stepStates: steps.map((s) => ({
      status: 'waiting',
      rule: copyRule(s.rule),
      startedAt: null,
      completedAt: null,
    })),
    currentStepIndex: 0,
    assignments: [],
    requestedBy: input.requestedBy,
    allowAppeals: input.allowAppeals,
    appealReviewers: [...input.appealReviewers],
    appeal: null,
    expiresAt: input.expiresAt,
    completedAt: null,
    ...(input.switches ? { switches: { ...input.switches } } : {}),
    ...(input.onBehalfOf ? { onBehalfOf: person(input.onBehalfOf) } : {}),
  };

  const people = leaveOutSelfApprovers(waiting, 0, resolveApprovers(first.approvers, ctx)).people;
  if (people.length === 0 && input.adHoc) return fail('no_approvers', 'The approvers resolve to nobody.');
  if (first.rule.type === 'min' && people.length > 0 && first.rule.count > people.length) {
    return fail(
      'min_exceeds_approvers',
      `The first step needs ${first.rule.count} approvals but only ${people.length} people are asked.`,
    );
  }
  const entered = enterStep(waiting, 0, ctx, now);
  if (entered.approval.status !== 'pending') {
    return fail('no_approvers', 'Every step of this template resolves to nobody and is skipped.');
  }
  return ok({ approval: entered.approval, events: [{ type: 'requested' }, ...entered.events] });
}

/**
 * Starts step `index`. A step whose approvers resolve to nobody (once `preventSelfApproval`
 * has left out the requester's side) waits on `no_approvers` under `whenNobody: "wait"`,
 * or is skipped under `"skip"`; past the last step the approval is approved. A `min` count
 * above the people resolved is clamped, so a group that shrank since the template was
 * written cannot make a step impossible.
 */
export function enterStep(approval: Approval, index: number, ctx: ResolutionContext, now: Date): Transition {
  let current = approval;
  const events: ApprovalEvent[] = [];
  for (let i = index; i < approval.steps.length; i++) {
    const definition = approval.steps[i]!;
    assertValidRule(definition.rule);
    const resolved = leaveOutSelfApprovers(approval, i, resolveApprovers(definition.approvers, ctx));
    events.push(...resolved.events);
    const { kept: people, leftOut } = capPeople(resolved.people, ctx);
    if (people.length === 0) {
      const waits = whenNobodyOf(definition) === 'wait';
      current = {
        ...current,
        currentStepIndex: i,
        stepStates: replaceAt(current.stepStates, i, {
          status: waits ? 'no_approvers' : 'skipped',
          rule: copyRule(definition.rule),
          startedAt: waits ? now : null,
          completedAt: waits ? null : now,
        }),
      };
      if (waits) {
        events.push({ type: 'step_has_no_approvers', stepIndex: i });
        return { approval: current, events };
      }
      events.push({ type: 'step_skipped', stepIndex: i });
      continue;
    }
    const rule: Rule =
      definition.rule.type === 'min' && definition.rule.count > people.length
        ? { type: 'min', count: people.length }
        : copyRule(definition.rule);
    current = activateStep(current, i, people, rule, now);
    events.push({
      type: 'step_started',
      stepIndex: i,
      approvers: people.map(person),
      ...(leftOut > 0 ? { leftOut } : {}),
    });
    return { approval: current, events };
  }
  events.push({ type: 'completed', status: 'approved' });
  return { approval: { ...current, status: 'approved', completedAt: now }, events };
}
