import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { editRecipients } from './recipients.js';
import { startApproval } from './start.js';
import { at, c, context, expectError, m, must, REQUESTER, step, T0 } from './test-fixtures.js';
import type { PersonRef, StepDefinition } from './types.js';

/** Issue 10 item 2: the people one step may resolve to are capped (workspace setting maxApproversPerStep). */

const people = (n: number, prefix = 'p'): PersonRef[] =>
  Array.from({ length: n }, (_, i) => c(`${prefix}${i}`));
const start = (steps: StepDefinition[], cap: number, groups: Record<string, PersonRef[]> = {}) =>
  startApproval(
    { steps, requestedBy: REQUESTER, allowAppeals: false, appealReviewers: [], expiresAt: null },
    context({ groups, maxPeoplePerStep: cap }),
    T0,
  );

describe('the cap on the people of one step (issue 10 item 2)', () => {
  it('a first step of exactly the cap starts; one more is too_many_approvers naming the count', () => {
    const g = { g: people(5) };
    expect(must(start([step([{ type: 'group', id: 'g' }])], 5, g)).approval.assignments).toHaveLength(5);
    const refused = start([step([{ type: 'group', id: 'g' }, m('one-more')])], 5, g);
    expectError(refused, 'too_many_approvers');
    if (!refused.ok) {
      expect(refused.error.message).toContain('6');
      expect(refused.error.field).toBe('approvers');
    }
  });

  it('a later step above the cap as it resolves now refuses the request, naming that step', () => {
    const refused = start([step([m('a')]), step([{ type: 'group', id: 'g' }])], 2, { g: people(3) });
    expectError(refused, 'too_many_approvers');
    if (!refused.ok) expect(refused.error.field).toBe('steps[1].approvers');
  });

  it('a later step that grew past the cap starts with the first people and says how many were left out', () => {
    const started = must(
      start([step([m('a')]), step([{ type: 'group', id: 'g' }], { type: 'all' })], 3, { g: people(3) }),
    );
    const grown = context({ groups: { g: people(5) }, maxPeoplePerStep: 3 });
    const { approval, events } = must(decide(started.approval, m('a'), 'approve', null, 'api', grown, at(1)));
    expect(approval.currentStepIndex).toBe(1);
    expect(approval.assignments.filter((a) => a.stepIndex === 1).map((a) => a.person)).toEqual(people(3));
    expect(events).toContainEqual({ type: 'step_started', stepIndex: 1, approvers: people(3), leftOut: 2 });
  });

  it('edit recipients may not add past the cap, but may remove from a step above it', () => {
    const started = must(start([step(people(3))], 3));
    const ctx = context({ maxPeoplePerStep: 3 });
    expectError(editRecipients(started.approval, [c('extra')], [], ctx, at(1)), 'too_many_approvers');
    expect(
      must(editRecipients(started.approval, [c('extra')], [c('p0')], ctx, at(1))).approval.assignments,
    ).toHaveLength(4);
    const lowered = context({ maxPeoplePerStep: 1 });
    must(editRecipients(started.approval, [], [c('p1')], lowered, at(1)));
  });

  it('property: no step ever asks more people than the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 12 }),
        (cap, sizes, growth) => {
          const groups = Object.fromEntries(sizes.map((n, i) => [`g${i}`, people(n, `g${i}-`)]));
          const steps = sizes.map((_, i) => step([{ type: 'group', id: `g${i}` }]));
          const result = start(steps, cap, groups);
          if (!result.ok) {
            expect(result.error.code === 'too_many_approvers' || result.error.code === 'no_approvers').toBe(
              true,
            );
            return;
          }
          // Every group grows before the later steps start; the steps are approved one after the other.
          const grown = Object.fromEntries(sizes.map((n, i) => [`g${i}`, people(n + growth, `g${i}-`)]));
          let approval = result.value.approval;
          for (let i = 0; i < 4 && approval.status === 'pending'; i++) {
            const current = approval.assignments.filter((a) => a.stepIndex === approval.currentStepIndex);
            expect(current.length).toBeLessThanOrEqual(cap);
            // A step that resolved to nobody waits for people (whenNobody "wait", SPEC §8.1): nobody to decide.
            if (current.length === 0) break;
            const next = decide(
              approval,
              current[0]!.person,
              'approve',
              null,
              'api',
              context({ groups: grown, maxPeoplePerStep: cap }),
              at(i + 1),
            );
            if (!next.ok) break;
            approval = next.value.approval;
          }
          for (const s of approval.stepStates.keys()) {
            expect(approval.assignments.filter((a) => a.stepIndex === s).length).toBeLessThanOrEqual(cap);
          }
        },
      ),
    );
  });
});
