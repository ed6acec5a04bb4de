import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { editRecipients } from './recipients.js';
import { REMINDER_INTERVAL_MS, remind } from './remind.js';
import { at, c, expectError, m, must, start, step, T0 } from './test-fixtures.js';

describe('remind (SPEC §3 rule 8)', () => {
  const base = () => start([step([m('a'), m('b'), c('x')], { type: 'all' })]);

  it('rule 8: the interval is 5 minutes', () => {
    expect(REMINDER_INTERVAL_MS).toBe(300_000);
  });

  it('rule 8: resends to every approver who has not answered; the first email does not count', () => {
    const voted = must(decide(base(), m('a'), 'approve', null, 'api', null, T0)).approval;
    const { approval, events } = must(remind(voted, null, at(0)));
    expect(events).toEqual([{ type: 'reminder_sent', stepIndex: 0, to: [m('b'), c('x')] }]);
    expect(approval.assignments.map((x) => [x.reminderCount, x.lastReminderAt])).toEqual([
      [0, null],
      [1, at(0)],
      [1, at(0)],
    ]);
  });

  it('rule 8: resends to one approver', () => {
    const { approval, events } = must(remind(base(), c('x'), at(1)));
    expect(events).toEqual([{ type: 'reminder_sent', stepIndex: 0, to: [c('x')] }]);
    expect(approval.assignments[2]).toMatchObject({ reminderCount: 1, lastReminderAt: at(1) });
    expect(approval.assignments[0]!.reminderCount).toBe(0);
  });

  it('rule 8: a second reminder within 5 minutes is reminder_too_soon with the seconds to wait', () => {
    const once = must(remind(base(), m('a'), at(0))).approval;
    const r = remind(once, m('a'), new Date(at(4).getTime() + 30_500));
    expectError(r, 'reminder_too_soon');
    expect(!r.ok && r.error.retryAfterSeconds).toBe(30);
    const almost = remind(once, m('a'), new Date(at(5).getTime() - 1));
    expect(!almost.ok && almost.error.retryAfterSeconds).toBe(1);
    expect(must(remind(once, m('a'), at(5))).approval.assignments[0]!.reminderCount).toBe(2);
  });

  it('rule 8: reminding all skips people reminded recently, and is too soon only when nobody is eligible', () => {
    const one = must(remind(base(), m('a'), at(0))).approval;
    const { events } = must(remind(one, null, at(1)));
    expect(events).toEqual([{ type: 'reminder_sent', stepIndex: 0, to: [m('b'), c('x')] }]);
    const all = must(remind(one, null, at(1))).approval;
    const r = remind(all, null, at(3));
    expectError(r, 'reminder_too_soon');
    expect(!r.ok && r.error.retryAfterSeconds).toBe(120);
  });

  it('rule 8: someone who already answered, was removed or is not asked is not_awaiting', () => {
    const voted = must(decide(base(), m('a'), 'approve', null, 'api', null, T0)).approval;
    expectError(remind(voted, m('a'), at(1)), 'not_awaiting');
    expectError(remind(voted, m('nobody'), at(1)), 'not_awaiting');
    const removed = must(editRecipients(voted, [], [m('b')], null, at(1))).approval;
    expectError(remind(removed, m('b'), at(2)), 'not_awaiting');
  });

  it('rule 8: a finished approval is not_pending', () => {
    const denied = must(decide(base(), m('a'), 'deny', null, 'api', null, T0)).approval;
    expectError(remind(denied, null, at(10)), 'not_pending');
  });
});
