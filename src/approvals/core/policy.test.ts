import { describe, expect, it } from 'vitest';
import { cancel } from './cancel.js';
import { decide } from './decide.js';
import { expire } from './expire.js';
import { canEditRecipients } from './permissions.js';
import { editRecipients } from './recipients.js';
import { remind } from './remind.js';
import {
  admin,
  agent,
  at,
  c,
  context,
  expectError,
  m,
  must,
  REQUESTER,
  start,
  step,
} from './test-fixtures.js';
import type { Approval, TemplateSwitches } from './types.js';

const switches = (on: Partial<TemplateSwitches>): TemplateSwitches => ({
  preventSelfApproval: false,
  requireCommentOnDeny: false,
  lockRecipients: false,
  ...on,
});
const empty = { type: 'group', id: 'empty' } as const;

describe('whenNobody "wait" (SPEC §8.1 a step that resolves to nobody)', () => {
  const waitingSecond = (): Approval => {
    const a = start([step([m('a')]), step([empty], { type: 'min', count: 2 }), step([m('z')])]);
    return must(decide(a, m('a'), 'approve', null, 'api', context(), at(1))).approval;
  };

  it('a later step with nobody waits on no_approvers, and tells the requester (event step_has_no_approvers)', () => {
    const a = start([step([m('a')]), step([empty])]);
    const t = must(decide(a, m('a'), 'approve', null, 'api', context(), at(1)));
    expect(t.approval.status).toBe('pending');
    expect(t.approval.currentStepIndex).toBe(1);
    expect(t.approval.stepStates.map((s) => s.status)).toEqual(['approved', 'no_approvers']);
    expect(t.events.map((e) => e.type)).toEqual([
      'decision_recorded',
      'step_completed',
      'step_has_no_approvers',
    ]);
  });

  it('never passes by itself: decisions, reminders and removals change nothing; expiry expires it', () => {
    const a = waitingSecond();
    expectError(decide(a, m('a'), 'approve', null, 'api', context(), at(2)), 'not_an_approver');
    expectError(remind(a, null, at(2)), 'not_awaiting');
    const removal = must(editRecipients(a, [], [m('a')], context(), at(2)));
    expect(removal.approval).toBe(a);
    expect(removal.events).toEqual([]);
    const expired = must(expire({ ...a, expiresAt: at(2) }, at(3))).approval;
    expect(expired.status).toBe('expired');
  });

  it('goes on as soon as edit recipients adds enough people; fewer than a min count is min_unreachable', () => {
    const a = waitingSecond();
    expectError(editRecipients(a, [m('x')], [], context(), at(2)), 'min_unreachable');
    const t = must(editRecipients(a, [m('x'), c('y')], [], context(), at(2)));
    expect(t.approval.stepStates[1]).toMatchObject({ status: 'active', startedAt: at(2) });
    expect(t.events).toEqual([
      { type: 'recipients_edited', stepIndex: 1, added: [m('x'), c('y')], removed: [] },
    ]);
    const one = must(decide(t.approval, m('x'), 'approve', null, 'api', context(), at(3)));
    const two = must(decide(one.approval, c('y'), 'approve', null, 'api', context(), at(4)));
    expect(two.approval.currentStepIndex).toBe(2);
    expect(two.approval.stepStates.map((s) => s.status)).toEqual(['approved', 'approved', 'active']);
  });

  it('canceling a waiting step cancels it', () => {
    const t = must(cancel(waitingSecond(), admin(), at(2)));
    expect(t.approval.stepStates[1]!.status).toBe('canceled');
  });
});

describe('preventSelfApproval (SPEC §8.1 template switches)', () => {
  const options = { switches: switches({ preventSelfApproval: true }), onBehalfOf: c('req') };

  it('leaves the requesting member and the on-behalf-of person out of a step, with approver_left_out', () => {
    const ctx = context({ groups: { g: [m(REQUESTER), c('req'), m('a')] } });
    const t = start([step([{ type: 'group', id: 'g' }, { type: 'ticket_requester' }])], { ...options, ctx });
    expect(t.assignments.map((x) => x.person)).toEqual([m('a')]);
  });

  it('a step of only self-approvers resolves to nobody and waits', () => {
    const a = start([step([m(REQUESTER), { type: 'ticket_requester' }]), step([m('b')])], options);
    expect(a.stepStates[0]!.status).toBe('no_approvers');
  });

  it('adding the requester or the on-behalf-of person by hand is self_approval, even when the step waits', () => {
    const a = start([step([m('a')])], options);
    expectError(editRecipients(a, [m(REQUESTER)], [], null, at(1)), 'self_approval');
    expectError(editRecipients(a, [c('req')], [], null, at(1)), 'self_approval');
    const waiting = start([step([m(REQUESTER)])], options);
    expectError(editRecipients(waiting, [m(REQUESTER), m('b')], [], null, at(1)), 'self_approval');
  });

  it('switched off, the requester may approve their own request (SPEC §5)', () => {
    const a = start([step([m(REQUESTER)])]);
    expect(must(decide(a, m(REQUESTER), 'approve', null, 'api', null, at(1))).approval.status).toBe(
      'approved',
    );
  });
});

describe('requireCommentOnDeny (SPEC §8.1 template switches)', () => {
  const a = () => start([step([m('a')])], { switches: switches({ requireCommentOnDeny: true }) });

  it('a denial without a non-empty comment is comment_required; an approval needs none', () => {
    expectError(decide(a(), m('a'), 'deny', null, 'api', null, at(1)), 'comment_required');
    expectError(decide(a(), m('a'), 'deny', '   ', 'api', null, at(1)), 'comment_required');
    expect(must(decide(a(), m('a'), 'deny', 'too costly', 'api', null, at(1))).approval.status).toBe(
      'denied',
    );
    expect(must(decide(a(), m('a'), 'approve', null, 'api', null, at(1))).approval.status).toBe('approved');
  });
});

describe('lockRecipients (issue 10 finding 11)', () => {
  it('only admins may edit recipients of a locked approval', () => {
    const locked = start([step([m('a')])], { switches: switches({ lockRecipients: true }) });
    expect(canEditRecipients(locked, agent(REQUESTER))).toBe(false);
    expect(canEditRecipients(locked, admin())).toBe(true);
    expect(canEditRecipients(start([step([m('a')])]), agent(REQUESTER))).toBe(true);
  });
});
