import { describe, expect, it } from 'vitest';
import { requestAppeal } from './appeal.js';
import { decide } from './decide.js';
import { needsResolutionContext } from './progress.js';
import { agent, allOn, at, c, context, expectError, m, must, start, step } from './test-fixtures.js';
import type { Approval, PersonRef, ResolutionContext } from './types.js';

const approve = (a: Approval, by: PersonRef, ctx: ResolutionContext | null = context(), now = at(1)) =>
  decide(a, by, 'approve', null, 'agent_ui', ctx, now);
const deny = (a: Approval, by: PersonRef, ctx: ResolutionContext | null = context(), now = at(1)) =>
  decide(a, by, 'deny', 'no', 'portal', ctx, now);

describe('decide (SPEC §3 rules 4 and 5)', () => {
  it('rule 4: records the decision with its comment and channel', () => {
    const a = start([step([m('a'), m('b')], { type: 'all' })]);
    const { approval, events } = must(decide(a, m('a'), 'approve', 'looks good', 'email_link', null, at(2)));
    expect(approval.assignments[0]!.decision).toEqual({
      value: 'approve',
      comment: 'looks good',
      at: at(2),
      channel: 'email_link',
    });
    expect(approval.status).toBe('pending');
    expect(events).toEqual([
      {
        type: 'decision_recorded',
        stepIndex: 0,
        by: m('a'),
        decision: 'approve',
        comment: 'looks good',
        channel: 'email_link',
      },
    ]);
  });

  it('rule 4: someone who is not an approver of the current step is not_an_approver', () => {
    const a = start([step([m('a')]), step([m('b')])]);
    expectError(approve(a, m('b')), 'not_an_approver');
    expectError(approve(a, c('a')), 'not_an_approver');
  });

  it('rule 4: a second answer is already_decided', () => {
    const a = must(approve(start([step([m('a'), m('b')], { type: 'all' })]), m('a'))).approval;
    expectError(approve(a, m('a')), 'already_decided');
    expectError(deny(a, m('a')), 'already_decided');
  });

  it('rule 4: a finished approval is not_pending', () => {
    const a = must(approve(start([step([m('a'), m('b')])]), m('a'))).approval;
    expect(a.status).toBe('approved');
    expectError(approve(a, m('b')), 'not_pending');
  });

  it('rule 4: a removed approver is not_an_approver', () => {
    const a = start([step([m('a'), m('b')])]);
    const removed: Approval = {
      ...a,
      assignments: a.assignments.map((x, i) => (i === 0 ? { ...x, removedAt: at(1) } : x)),
    };
    expectError(approve(removed, m('a')), 'not_an_approver');
  });

  it('rule 5: the last step completing makes the approval approved', () => {
    const { approval, events } = must(approve(start([step([m('a')])]), m('a'), context(), at(3)));
    expect(approval.status).toBe('approved');
    expect(approval.completedAt).toEqual(at(3));
    expect(approval.stepStates[0]).toMatchObject({ status: 'approved', completedAt: at(3) });
    expect(events.map((e) => e.type)).toEqual(['decision_recorded', 'step_completed', 'completed']);
    expect(events.at(-1)).toEqual({ type: 'completed', status: 'approved' });
  });

  it('rule 5: when a step completes the next step starts with freshly resolved approvers', () => {
    const a = start([step([m('a')]), step([{ type: 'group', id: 'g' }], { type: 'all' })]);
    const ctx = context({ groups: { g: [c('x'), m('y')] } });
    const { approval, events } = must(approve(a, m('a'), ctx, at(5)));
    expect(approval.status).toBe('pending');
    expect(approval.currentStepIndex).toBe(1);
    expect(approval.stepStates.map((s) => s.status)).toEqual(['approved', 'active']);
    expect(approval.stepStates[1]!.startedAt).toEqual(at(5));
    expect(approval.assignments.filter((x) => x.stepIndex === 1).map((x) => x.person)).toEqual([
      c('x'),
      m('y'),
    ]);
    expect(events).toEqual([
      {
        type: 'decision_recorded',
        stepIndex: 0,
        by: m('a'),
        decision: 'approve',
        comment: null,
        channel: 'agent_ui',
      },
      { type: 'step_completed', stepIndex: 0, outcome: 'approved' },
      { type: 'step_started', stepIndex: 1, approvers: [c('x'), m('y')] },
    ]);
    expectError(approve(approval, m('a')), 'not_an_approver');
  });

  it('rule 5, §8.1 whenNobody "skip": a later step that resolves to nobody is skipped, and a skipped last step approves', () => {
    const a = start([
      step([m('a')]),
      { ...step([{ type: 'group', id: 'gone' }]), whenNobody: 'skip' },
      step([m('b')]),
      { ...step([{ type: 'ticket_assignee' }]), whenNobody: 'skip' },
    ]);
    const ctx = context({ ticket: { requesterId: null, contactIds: [], assigneeId: null } });
    const first = must(approve(a, m('a'), ctx));
    expect(first.approval.currentStepIndex).toBe(2);
    expect(first.approval.stepStates.map((s) => s.status)).toEqual([
      'approved',
      'skipped',
      'active',
      'waiting',
    ]);
    expect(first.events.map((e) => e.type)).toEqual([
      'decision_recorded',
      'step_completed',
      'step_skipped',
      'step_started',
    ]);
    const second = must(approve(first.approval, m('b'), ctx));
    expect(second.approval.status).toBe('approved');
    expect(second.approval.currentStepIndex).toBe(3);
    expect(second.approval.stepStates.map((s) => s.status)).toEqual([
      'approved',
      'skipped',
      'approved',
      'skipped',
    ]);
    expect(second.events.map((e) => e.type)).toEqual([
      'decision_recorded',
      'step_completed',
      'step_skipped',
      'completed',
    ]);
  });

  it('rule 5: a later min step with fewer people than its count is clamped to the people resolved', () => {
    const a = start([step([m('a')]), step([{ type: 'group', id: 'g' }], { type: 'min', count: 3 })]);
    const ctx = context({ groups: { g: [m('x'), m('y')] } });
    const next = must(approve(a, m('a'), ctx)).approval;
    expect(next.stepStates[1]!.rule).toEqual({ type: 'min', count: 2 });
    expect(next.steps[1]!.rule).toEqual({ type: 'min', count: 3 });
    const once = must(approve(next, m('x'), ctx)).approval;
    expect(once.status).toBe('pending');
    expect(must(approve(once, m('y'), ctx)).approval.status).toBe('approved');
  });

  it('§2: a deny in an any or all step denies the request and later steps stay waiting', () => {
    for (const rule of [{ type: 'any' }, { type: 'all' }] as const) {
      const a = start([step([m('a'), m('b')], rule), step([m('c')])]);
      const { approval, events } = must(deny(a, m('b'), null, at(4)));
      expect(approval.status).toBe('denied');
      expect(approval.completedAt).toEqual(at(4));
      expect(approval.stepStates.map((s) => s.status)).toEqual(['denied', 'waiting']);
      expect(events.slice(1)).toEqual([
        { type: 'step_completed', stepIndex: 0, outcome: 'denied' },
        { type: 'completed', status: 'denied' },
      ]);
    }
  });

  it('§2: a min step is denied only once N approvals can no longer be reached', () => {
    const a = start([step([m('a'), m('b'), m('c')], { type: 'min', count: 2 })]);
    const one = must(deny(a, m('a'))).approval;
    expect(one.status).toBe('pending');
    const two = must(deny(one, m('b'))).approval;
    expect(two.status).toBe('denied');
  });

  it('rule 13: a min step counts exactly N approvals; later answers are refused', () => {
    const a = start([step([m('a'), m('b'), m('c')], { type: 'min', count: 2 })]);
    const done = must(approve(must(approve(a, m('a'))).approval, m('c'))).approval;
    expect(done.status).toBe('approved');
    expect(done.assignments.filter((x) => x.decision?.value === 'approve')).toHaveLength(2);
    expectError(approve(done, m('b')), 'not_pending');
  });

  it('rule 4: during an appeal only the appeal reviewers may decide, through decide', () => {
    const denied = must(deny(start([step([m('a'), m('b')])]), m('a'))).approval;
    const appealing = must(requestAppeal(denied, agent('x'), 'please', allOn, [m('boss')], at(2))).approval;
    expectError(approve(appealing, m('b')), 'not_an_approver');
    const { approval, events } = must(decide(appealing, m('boss'), 'approve', 'ok', 'api', null, at(3)));
    expect(approval.status).toBe('approved');
    expect(events.map((e) => e.type)).toEqual(['appeal_decided', 'completed']);
  });

  it('needsResolutionContext is true only while a later step could start', () => {
    const two = start([step([m('a')]), step([m('b')])]);
    expect(needsResolutionContext(two)).toBe(true);
    const last = must(approve(two, m('a'))).approval;
    expect(needsResolutionContext(last)).toBe(false);
    expect(needsResolutionContext(start([step([m('a')])]))).toBe(false);
    expect(needsResolutionContext(must(deny(two, m('a'))).approval)).toBe(false);
  });

  it('completing a step that has a successor without a context is a programmer error', () => {
    const two = start([step([m('a')]), step([m('b')])]);
    expect(() => decide(two, m('a'), 'approve', null, 'api', null, at(1))).toThrow(/needsResolutionContext/);
  });
});
