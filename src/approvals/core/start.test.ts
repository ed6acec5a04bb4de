import { describe, expect, it } from 'vitest';
import type { StartApprovalInput } from './start.js';
import { startApproval } from './start.js';
import { at, c, context, expectError, m, must, REQUESTER, step, T0 } from './test-fixtures.js';

const base = (steps: StartApprovalInput['steps']): StartApprovalInput => ({
  steps,
  requestedBy: REQUESTER,
  allowAppeals: true,
  appealReviewers: [m('boss')],
  expiresAt: at(60),
});

describe('startApproval (SPEC §2 approval, rule 5)', () => {
  it('§2: starts the first step with its resolved approvers and leaves the others waiting', () => {
    const ctx = context({ groups: { g: [m('a'), m('b')] } });
    const { approval, events } = must(
      startApproval(
        base([
          step([{ type: 'group', id: 'g' }, m('a')], { type: 'min', count: 2 }, 'One'),
          step([c('x')], { type: 'all' }, 'Two'),
        ]),
        ctx,
        T0,
      ),
    );
    expect(approval.status).toBe('pending');
    expect(approval.currentStepIndex).toBe(0);
    expect(approval.completedAt).toBeNull();
    expect(approval.expiresAt).toEqual(at(60));
    expect(approval.appeal).toBeNull();
    expect(approval.stepStates).toEqual([
      { status: 'active', rule: { type: 'min', count: 2 }, startedAt: T0, completedAt: null },
      { status: 'waiting', rule: { type: 'all' }, startedAt: null, completedAt: null },
    ]);
    expect(approval.assignments).toEqual([
      {
        stepIndex: 0,
        person: m('a'),
        decision: null,
        addedAt: T0,
        removedAt: null,
        lastReminderAt: null,
        reminderCount: 0,
      },
      {
        stepIndex: 0,
        person: m('b'),
        decision: null,
        addedAt: T0,
        removedAt: null,
        lastReminderAt: null,
        reminderCount: 0,
      },
    ]);
    expect(events).toEqual([
      { type: 'requested' },
      { type: 'step_started', stepIndex: 0, approvers: [m('a'), m('b')] },
    ]);
  });

  it('§2: no steps at all is no_approvers', () => {
    expectError(startApproval(base([]), context(), T0), 'no_approvers');
  });

  it('§8.6: an ad hoc request whose approvers resolve to nobody is no_approvers', () => {
    expectError(
      startApproval({ ...base([step([{ type: 'group', id: 'empty' }])]), adHoc: true }, context(), T0),
      'no_approvers',
    );
  });

  it('§8.1 whenNobody "wait": a first step that resolves to nobody waits on no_approvers', () => {
    const { approval, events } = must(
      startApproval(base([step([{ type: 'group', id: 'empty' }]), step([m('b')])]), context(), T0),
    );
    expect(approval.status).toBe('pending');
    expect(approval.stepStates.map((s) => s.status)).toEqual(['no_approvers', 'waiting']);
    expect(approval.assignments).toEqual([]);
    expect(events).toEqual([{ type: 'requested' }, { type: 'step_has_no_approvers', stepIndex: 0 }]);
  });

  it('§8.1 whenNobody "skip": a first step that resolves to nobody is skipped and the next one starts', () => {
    const { approval, events } = must(
      startApproval(
        base([{ ...step([{ type: 'group', id: 'empty' }]), whenNobody: 'skip' }, step([m('b')])]),
        context(),
        T0,
      ),
    );
    expect(approval.stepStates.map((s) => s.status)).toEqual(['skipped', 'active']);
    expect(events.map((e) => e.type)).toEqual(['requested', 'step_skipped', 'step_started']);
  });

  it('§8.1: a template whose every step is skipped is no_approvers (never approved when requested)', () => {
    const nobody = { ...step([{ type: 'group', id: 'empty' }]), whenNobody: 'skip' as const };
    expectError(startApproval(base([nobody, nobody]), context(), T0), 'no_approvers');
  });

  it('§5: a min count larger than the approvers of the first step is min_exceeds_approvers', () => {
    expectError(
      startApproval(base([step([m('a'), m('b')], { type: 'min', count: 3 })]), context(), T0),
      'min_exceeds_approvers',
    );
  });

  it('§5: the requesting member may also be one of the approvers', () => {
    const { approval } = must(startApproval(base([step([m(REQUESTER)])]), context(), T0));
    expect(approval.assignments.map((a) => a.person)).toEqual([m(REQUESTER)]);
  });

  it('a min count below 1 is a programmer error', () => {
    expect(() => startApproval(base([step([m('a')], { type: 'min', count: 0 })]), context(), T0)).toThrow();
    expect(() =>
      startApproval(base([step([m('a')]), step([m('a')], { type: 'min', count: -1 })]), context(), T0),
    ).toThrow();
  });
});
