import { newAssignment, replaceAt } from './assignments.js';
import { capPeople, oversizedStep, tooManyPeople } from './limits.js';
import { person } from './people.js';
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
  Transition,
} from './types.js';

export type StartApprovalInput = {
  steps: StepDefinition[];
  requestedBy: string;
  allowAppeals: boolean;
  appealReviewers: ApproverRef[];
  expiresAt: Date | null;
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

export function startApproval(
  input: StartApprovalInput,
  ctx: ResolutionContext,
  now: Date,
): Result<Transition> {
  const first = input.steps[0];
  if (first === undefined) return fail('no_approvers', 'An approval needs at least one step.');
  for (const step of input.steps) assertValidRule(step.rule);

  const people = resolveApprovers(first.approvers, ctx);
  if (people.length === 0) return fail('no_approvers', 'The first step resolves to nobody.');
  // Every step as it resolves now: a request that cannot go through is refused before anything is written.
  const oversized = oversizedStep(input.steps, ctx);
  if (oversized) {
    const field = oversized.index === 0 ? 'approvers' : `steps[${oversized.index}].approvers`;
    return tooManyPeople(oversized.count, ctx.maxPeoplePerStep!, field);
  }
  if (first.rule.type === 'min' && first.rule.count > people.length) {
    return fail(
      'min_exceeds_approvers',
      `The first step needs ${first.rule.count} approvals but only ${people.length} people are asked.`,
    );
  }

  const steps = input.steps.map((s) => ({
    name: s.name,
    approvers: [...s.approvers],
    rule: copyRule(s.rule),
  }));
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
  };
  const approval = activateStep(waiting, 0, people, copyRule(first.rule), now);
  return ok({
    approval,
    events: [{ type: 'requested' }, { type: 'step_started', stepIndex: 0, approvers: people.map(person) }],
  });
}

/**
 * Starts step `index`, skipping every step that resolves to nobody; past the last
 * step the approval is approved. A `min` count above the people resolved is clamped,
 * so a group that shrank since the template was written cannot make a step impossible.
 */
export function enterStep(approval: Approval, index: number, ctx: ResolutionContext, now: Date): Transition {
  let current = approval;
  const events: ApprovalEvent[] = [];
  for (let i = index; i < approval.steps.length; i++) {
    const definition = approval.steps[i]!;
    assertValidRule(definition.rule);
    const { kept: people, leftOut } = capPeople(resolveApprovers(definition.approvers, ctx), ctx);
    if (people.length === 0) {
      current = {
        ...current,
        currentStepIndex: i,
        stepStates: replaceAt(current.stepStates, i, {
          status: 'skipped',
          rule: copyRule(definition.rule),
          startedAt: null,
          completedAt: now,
        }),
      };
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
