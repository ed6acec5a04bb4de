import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { editRecipients } from './recipients.js';
import { at, c, context, expectError, m, must, start, step } from './test-fixtures.js';
import type { Approval, PersonRef } from './types.js';

const approve = (a: Approval, by: PersonRef) =>
  must(decide(a, by, 'approve', null, 'api', context(), at(1))).approval;
const deny = (a: Approval, by: PersonRef) =>
  must(decide(a, by, 'deny', null, 'api', context(), at(1))).approval;

describe('editRecipients (SPEC §3 rule 7)', () => {
  it('rule 7: added people get a fresh assignment and only they are reported as added', () => {
    const a = start([step([m('a')], { type: 'all' })]);
    const { approval, events } = must(editRecipients(a, [m('a'), c('x'), c('x')], [], null, at(2)));
    expect(approval.assignments.map((x) => [x.person, x.addedAt])).toEqual([
      [m('a'), a.assignments[0]!.addedAt],
      [c('x'), at(2)],
    ]);
    expect(events).toEqual([{ type: 'recipients_edited', stepIndex: 0, added: [c('x')], removed: [] }]);
  });

  it('rule 7: removed people keep their row with removedAt; people not on the step are ignored', () => {
    const a = start([step([m('a'), m('b')])]);
    const { approval, events } = must(editRecipients(a, [], [m('b'), m('zzz')], null, at(2)));
    expect(approval.assignments[1]!.removedAt).toEqual(at(2));
    expect(approval.assignments).toHaveLength(2);
    expect(events).toEqual([{ type: 'recipients_edited', stepIndex: 0, added: [], removed: [m('b')] }]);
  });

  it('rule 7: a removed decision no longer counts and a re-added person starts over', () => {
    const a = start([step([m('a'), m('b'), m('c')], { type: 'min', count: 2 })]);
    const voted = approve(a, m('a'));
    const removed = must(editRecipients(voted, [m('d')], [m('a')], null, at(2))).approval;
    const readded = must(editRecipients(removed, [m('a')], [], null, at(3))).approval;
    const rows = readded.assignments.filter((x) => x.person.id === 'a');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ removedAt: at(2), decision: { value: 'approve' } });
    expect(rows[1]).toMatchObject({ removedAt: null, decision: null, addedAt: at(3) });
    expect(must(decide(readded, m('a'), 'approve', null, 'api', null, at(4))).approval.status).toBe(
      'pending',
    );
  });

  it('rule 7: a person in both lists ends up removed', () => {
    const a = start([step([m('a'), m('b')])]);
    const { events } = must(editRecipients(a, [m('b'), m('n')], [m('b'), m('n')], null, at(2)));
    expect(events).toEqual([{ type: 'recipients_edited', stepIndex: 0, added: [], removed: [m('b')] }]);
  });

  it('rule 7: an edit that changes nothing returns the approval unchanged with no events', () => {
    const a = start([step([m('a')])]);
    const result = must(editRecipients(a, [m('a')], [m('nobody')], null, at(2)));
    expect(result.approval).toBe(a);
    expect(result.events).toEqual([]);
  });

  it('rule 7: removing every recipient cancels the approval', () => {
    const a = start([step([m('a'), m('b')]), step([m('c')])]);
    const { approval, events } = must(editRecipients(a, [], [m('a'), m('b')], null, at(2)));
    expect(approval.status).toBe('canceled');
    expect(approval.completedAt).toEqual(at(2));
    expect(approval.stepStates.map((s) => s.status)).toEqual(['canceled', 'waiting']);
    expect(events).toEqual([
      { type: 'recipients_edited', stepIndex: 0, added: [], removed: [m('a'), m('b')] },
      { type: 'canceled', by: null, reason: 'no_recipients' },
    ]);
  });

  it('rule 7: an edit that makes a min step unreachable is min_unreachable and changes nothing', () => {
    const a = start([step([m('a'), m('b'), m('c')], { type: 'min', count: 2 })]);
    expectError(editRecipients(a, [], [m('a'), m('b')], null, at(2)), 'min_unreachable');
    const oneDenied = deny(a, m('a'));
    expectError(editRecipients(oneDenied, [], [m('b')], null, at(2)), 'min_unreachable');
  });

  it('rule 7: an edit that keeps N reachable on a min step is accepted', () => {
    const a = start([step([m('a'), m('b'), m('c')], { type: 'min', count: 2 })]);
    const r = must(editRecipients(approve(a, m('a')), [], [m('c')], null, at(2)));
    expect(r.approval.status).toBe('pending');
    expect(r.approval.assignments.filter((x) => x.removedAt === null).map((x) => x.person)).toEqual([
      m('a'),
      m('b'),
    ]);
  });

  it('rule 7: removing the only undecided person of an all step completes it, as a decision would', () => {
    const a = start([step([m('a'), m('b')], { type: 'all' }), step([c('x')])]);
    const voted = approve(a, m('a'));
    const { approval, events } = must(editRecipients(voted, [], [m('b')], context(), at(2)));
    expect(approval.currentStepIndex).toBe(1);
    expect(approval.stepStates.map((s) => s.status)).toEqual(['approved', 'active']);
    expect(events.map((e) => e.type)).toEqual(['recipients_edited', 'step_completed', 'step_started']);

    const single = approve(start([step([m('a'), m('b')], { type: 'all' })]), m('a'));
    const last = must(editRecipients(single, [], [m('b')], null, at(2)));
    expect(last.approval.status).toBe('approved');
    expect(last.events.at(-1)).toEqual({ type: 'completed', status: 'approved' });
  });

  it('rule 7: the edit applies to the current step only', () => {
    const a = start([step([m('a')]), step([m('b')])]);
    const next = approve(a, m('a'));
    const { approval, events } = must(editRecipients(next, [m('z')], [m('a')], null, at(2)));
    expect(approval.assignments.at(-1)).toMatchObject({ stepIndex: 1, person: m('z') });
    expect(approval.assignments[0]!.removedAt).toBeNull();
    expect(events).toEqual([{ type: 'recipients_edited', stepIndex: 1, added: [m('z')], removed: [] }]);
  });

  it('rule 7: only a pending approval can be edited', () => {
    const done = approve(start([step([m('a')])]), m('a'));
    expectError(editRecipients(done, [m('b')], [], null, at(2)), 'not_pending');
  });
});
