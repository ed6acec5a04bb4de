import { describe, expect, it } from 'vitest';
import { requestAppeal } from './appeal.js';
import { decide } from './decide.js';
import { approvalStatusIsLive, displayStatus } from './display.js';
import {
  canAppeal,
  canCancel,
  canComment,
  canEditRecipients,
  canRespond,
  canSee,
  isCurrentApprover,
} from './permissions.js';
import { editRecipients } from './recipients.js';
import {
  admin,
  agent,
  allOff,
  allOn,
  at,
  c,
  contactActor,
  context,
  m,
  must,
  REQUESTER,
  start,
  step,
} from './test-fixtures.js';
import type { Approval, ApprovalStatus } from './types.js';

const twoSteps = () => start([step([m('a'), c('x'), c('gone')], { type: 'all' }), step([c('y')])]);
const denied = () => must(decide(twoSteps(), c('x'), 'deny', null, 'portal', null, at(1))).approval;
const appealing = () =>
  must(requestAppeal(denied(), agent('z'), 'r', allOn, [m('boss'), c('rev')], at(2))).approval;

describe('displayStatus (SPEC §2 display status)', () => {
  it('§2: partially_approved once a pending request has an approval on its current step', () => {
    const a = twoSteps();
    expect(displayStatus(a)).toBe('pending');
    const one = must(decide(a, m('a'), 'approve', null, 'api', null, at(1))).approval;
    expect(displayStatus(one)).toBe('partially_approved');
    const removed = must(editRecipients(one, [], [m('a')], null, at(2))).approval;
    expect(displayStatus(removed)).toBe('pending');
  });

  it('§2: approvals of an earlier step do not make the next step partially approved', () => {
    const a = start([step([m('a')]), step([m('b'), m('c')], { type: 'all' })]);
    const next = must(decide(a, m('a'), 'approve', null, 'api', context(), at(1))).approval;
    expect(displayStatus(next)).toBe('pending');
  });

  it('§2: finished statuses are shown as they are', () => {
    expect(displayStatus(denied())).toBe('denied');
    expect(displayStatus(appealing())).toBe('appeal_pending');
  });

  it('rule 10: only pending and appeal_pending are live', () => {
    const all: ApprovalStatus[] = ['pending', 'approved', 'denied', 'appeal_pending', 'canceled', 'expired'];
    expect(all.filter(approvalStatusIsLive)).toEqual(['pending', 'appeal_pending']);
  });
});

describe('isCurrentApprover and canRespond (SPEC §3 rules 4 and 12)', () => {
  it('rule 12: current approvers until they answer; answered approvers stay current but cannot respond', () => {
    const one = must(decide(twoSteps(), m('a'), 'approve', null, 'api', null, at(1))).approval;
    expect(isCurrentApprover(one, m('a'))).toBe(true);
    expect(canRespond(one, m('a'))).toBe(false);
    expect(canRespond(one, c('x'))).toBe(true);
    expect(isCurrentApprover(one, c('y'))).toBe(false);
    expect(canRespond(one, c('y'))).toBe(false);
  });

  it('rule 7: removed people can no longer respond', () => {
    const edited = must(editRecipients(twoSteps(), [], [c('gone')], null, at(1))).approval;
    expect(isCurrentApprover(edited, c('gone'))).toBe(false);
    expect(canRespond(edited, c('gone'))).toBe(false);
  });

  it('rule 4: during an appeal only reviewers can respond; finished approvals nobody', () => {
    expect(canRespond(appealing(), c('rev'))).toBe(true);
    expect(canRespond(appealing(), m('a'))).toBe(false);
    expect(isCurrentApprover(appealing(), m('a'))).toBe(false);
    expect(canRespond(denied(), m('a'))).toBe(false);
  });
});

describe('canSee (SPEC §3 rule 2)', () => {
  it('rule 2: members always see approvals', () => {
    expect(canSee(twoSteps(), agent('anyone'), allOff)).toBe(true);
  });

  it('rule 2: with contactsCanViewApprovals off, contacts with ticket access see nothing', () => {
    expect(canSee(twoSteps(), contactActor('other', true), allOff)).toBe(false);
  });

  it('SPEC §8.6: a named contact approver or appeal reviewer sees it whatever the switch says', () => {
    expect(canSee(twoSteps(), contactActor('x', false), allOff)).toBe(true);
    expect(canSee(twoSteps(), contactActor('x', true), allOff)).toBe(true);
    expect(canSee(appealing(), contactActor('rev', false), allOff)).toBe(true);
    expect(canSee(twoSteps(), contactActor('other', false), allOff)).toBe(false);
    const edited = must(editRecipients(twoSteps(), [], [c('gone')], null, at(1))).approval;
    expect(canSee(edited, contactActor('gone', false), allOff)).toBe(false);
  });

  it('rule 2: with the switch on, contacts with ticket access or named approvers see it', () => {
    const a = twoSteps();
    expect(canSee(a, contactActor('other', true), allOn)).toBe(true);
    expect(canSee(a, contactActor('x', false), allOn)).toBe(true);
    expect(canSee(a, contactActor('other', false), allOn)).toBe(false);
    // Step 1's approver is not named yet: references resolve when the step starts.
    expect(canSee(a, contactActor('y', false), allOn)).toBe(false);
  });

  it('rule 2: a removed approver is no longer named; an appeal reviewer is', () => {
    const edited = must(editRecipients(twoSteps(), [], [c('gone')], null, at(1))).approval;
    expect(canSee(edited, contactActor('gone', false), allOn)).toBe(false);
    expect(canSee(appealing(), contactActor('rev', false), allOn)).toBe(true);
  });
});

describe('canComment (SPEC §3 rule 6)', () => {
  it('rule 6: members always comment', () => {
    expect(canComment(denied(), agent('q'))).toBe(true);
    expect(canComment(twoSteps(), admin())).toBe(true);
  });

  it('rule 6: a contact comments while they are an approver of the current step, answered or not', () => {
    const a = twoSteps();
    expect(canComment(a, contactActor('x', false))).toBe(true);
    expect(canComment(a, contactActor('y', true))).toBe(false);
    const answered = must(decide(a, m('a'), 'approve', null, 'api', null, at(1))).approval;
    const xApproved = must(decide(answered, c('x'), 'approve', null, 'api', null, at(1))).approval;
    expect(canComment(xApproved, contactActor('x', false))).toBe(true);
    expect(canComment(denied(), contactActor('x', false))).toBe(false);
  });

  it('rule 6: a contact reviewer comments during the appeal', () => {
    expect(canComment(appealing(), contactActor('rev', false))).toBe(true);
    expect(canComment(appealing(), contactActor('x', false))).toBe(false);
  });
});

describe('canCancel and canEditRecipients (SPEC §3 rules 7 and 9)', () => {
  it('rule 9: the requesting member or an admin, while live', () => {
    expect(canCancel(twoSteps(), agent(REQUESTER))).toBe(true);
    expect(canCancel(twoSteps(), admin())).toBe(true);
    expect(canCancel(twoSteps(), agent('other'))).toBe(false);
    expect(canCancel(twoSteps(), contactActor(REQUESTER, true))).toBe(false);
    expect(canCancel(appealing(), admin())).toBe(true);
    expect(canCancel(denied(), admin())).toBe(false);
  });

  it('rule 7: any member edits recipients while pending', () => {
    expect(canEditRecipients(twoSteps(), agent('other'))).toBe(true);
    expect(canEditRecipients(twoSteps(), contactActor('x', true))).toBe(false);
    expect(canEditRecipients(appealing(), admin())).toBe(false);
  });
});

describe('canAppeal (SPEC §2 appeal)', () => {
  it('§2: members and contacts with access may appeal a denial when allowed', () => {
    expect(canAppeal(denied(), agent('z'), allOn)).toBe(true);
    expect(canAppeal(denied(), contactActor('x', true), allOn)).toBe(true);
    expect(canAppeal(denied(), contactActor('x', false), allOn)).toBe(false);
    expect(canAppeal(denied(), agent('z'), { ...allOn, appealsEnabled: false })).toBe(false);
    const notAllowed: Approval = { ...denied(), allowAppeals: false };
    expect(canAppeal(notAllowed, agent('z'), allOn)).toBe(false);
    expect(canAppeal(twoSteps(), agent('z'), allOn)).toBe(false);
    expect(canAppeal(appealing(), agent('z'), allOn)).toBe(false);
  });
});
