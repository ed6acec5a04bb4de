import { describe, expect, it } from 'vitest';
import { cancel } from './cancel.js';
import { decide } from './decide.js';
import { approvalStatusIsLive, displayStatus } from './display.js';
import { expire, isDueToExpire } from './expire.js';
import { askForInfo, automaticReminderDueAt, canProvideInfo, provideInfo } from './needs-info.js';
import { canRespond } from './permissions.js';
import { remind } from './remind.js';
import {
  agent,
  at,
  c,
  contactActor,
  context,
  expectError,
  m,
  must,
  REQUESTER,
  start,
  step,
} from './test-fixtures.js';

describe('needs information (SPEC §8.1)', () => {
  const base = () => start([step([m('a'), c('x')], { type: 'all' }), step([m('b')])], { expiresAt: at(60) });
  const asked = () => must(askForInfo(base(), contactActor('x', false), 'Which model?', at(10))).approval;

  it('§8.1 an approver asks: needs_info, shown as itself, still unfinished, and the approvers may still decide', () => {
    const { approval, events } = must(askForInfo(base(), contactActor('x', false), 'Which model?', at(10)));
    expect(approval.status).toBe('needs_info');
    expect(displayStatus(approval)).toBe('needs_info');
    expect(approvalStatusIsLive(approval.status)).toBe(true);
    expect(approval.infoRequest).toEqual({ askedBy: c('x'), askedAt: at(10), endedAt: null });
    expect(events).toEqual([{ type: 'needs_info_requested', by: c('x'), question: 'Which model?' }]);
    expect(canRespond(approval, m('a'))).toBe(true);
  });

  it('§8.6 only while pending; a contact who is not an approver, or has answered, may not ask', () => {
    expectError(askForInfo(asked(), agent('z'), 'Again?', at(11)), 'not_pending');
    expectError(askForInfo(base(), contactActor('y', true), 'Why?', at(11)), 'not_an_approver');
    const answered = must(decide(base(), c('x'), 'approve', null, 'portal', null, at(5))).approval;
    expectError(askForInfo(answered, contactActor('x', false), 'Why?', at(11)), 'not_an_approver');
  });

  it('§8.1 the answer returns to pending and moves the expiry by the time spent waiting', () => {
    const { approval, events } = must(provideInfo(asked(), agent(REQUESTER), null, 'The small one', at(25)));
    expect(approval.status).toBe('pending');
    expect(approval.expiresAt).toEqual(at(75));
    expect(approval.infoRequest?.endedAt).toEqual(at(25));
    expect(events).toEqual([
      { type: 'info_provided', by: m(REQUESTER), answer: 'The small one', askedBy: c('x') },
    ]);
  });

  it('§8.1 the on-behalf-of contact may answer, another contact may not; no answer outside needs_info', () => {
    expect(canProvideInfo(asked(), contactActor('req', true), c('req'))).toBe(true);
    expectError(provideInfo(asked(), contactActor('cc1', true), c('req'), 'Me?', at(12)), 'not_allowed');
    expectError(provideInfo(base(), agent(REQUESTER), null, 'Nobody asked', at(12)), 'not_needs_info');
  });

  it('§8.1 a decision ends the wait: pending again when the step goes on, the next step when it completes', () => {
    const partly = must(decide(asked(), m('a'), 'approve', null, 'api', null, at(20))).approval;
    expect(partly.status).toBe('pending');
    expect(partly.expiresAt).toEqual(at(70));
    const next = must(decide(partly, c('x'), 'approve', null, 'portal', context(), at(21))).approval;
    expect(next.currentStepIndex).toBe(1);
  });

  it('§8.1 reminders and expiry wait; cancel works and closes the question', () => {
    const waiting = asked();
    expectError(remind(waiting, null, at(30)), 'not_pending');
    expect(waiting.assignments.map((x) => automaticReminderDueAt(waiting, x, 60_000))).toEqual([null, null]);
    expect(isDueToExpire(waiting, at(90))).toBe(false);
    expectError(expire(waiting, at(90)), 'not_pending');
    const canceled = must(cancel(waiting, agent(REQUESTER), at(30))).approval;
    expect(canceled.status).toBe('canceled');
    expect(canceled.infoRequest?.endedAt).toEqual(at(30));
  });

  it('§8.1 after the answer, automatic reminders count from the answer', () => {
    const resumed = must(provideInfo(asked(), agent(REQUESTER), null, 'The small one', at(25))).approval;
    expect(automaticReminderDueAt(resumed, resumed.assignments[0]!, 60 * 60_000)).toEqual(at(85));
  });
});
