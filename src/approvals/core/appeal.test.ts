import { describe, expect, it } from 'vitest';
import { decideAppeal, requestAppeal } from './appeal.js';
import { decide } from './decide.js';
import { agent, allOn, at, c, contactActor, expectError, m, must, start, step } from './test-fixtures.js';
import type { Approval } from './types.js';

const deniedOn = (allowAppeals = true): Approval =>
  must(
    decide(
      start([step([m('a')]), step([m('b')])], { allowAppeals }),
      m('a'),
      'deny',
      null,
      'api',
      null,
      at(1),
    ),
  ).approval;

const appealing = (): Approval =>
  must(
    requestAppeal(
      deniedOn(),
      contactActor('req', true),
      '  please reconsider  ',
      allOn,
      [m('boss'), c('cfo')],
      at(2),
    ),
  ).approval;

describe('requestAppeal (SPEC §2 appeal)', () => {
  it('§2: a contact with access to the ticket appeals a denial with a trimmed reason', () => {
    const { approval, events } = must(
      requestAppeal(
        deniedOn(),
        contactActor('req', true),
        '  please reconsider  ',
        allOn,
        [m('boss'), m('boss')],
        at(2),
      ),
    );
    expect(approval.status).toBe('appeal_pending');
    expect(approval.completedAt).toBeNull();
    expect(approval.appeal).toEqual({
      reason: 'please reconsider',
      requestedBy: c('req'),
      requestedAt: at(2),
      reviewers: [m('boss')],
      status: 'pending',
      decision: null,
    });
    expect(events).toEqual([
      { type: 'appeal_requested', by: c('req'), reason: 'please reconsider', reviewers: [m('boss')] },
    ]);
  });

  it('§2: any member may appeal', () => {
    expect(
      must(requestAppeal(deniedOn(), agent('z'), 'r', allOn, [m('boss')], at(2))).approval.appeal!
        .requestedBy,
    ).toEqual(m('z'));
  });

  it('§2: an empty, blank or over-long reason is invalid_reason', () => {
    for (const reason of ['', '   \n ', 'x'.repeat(2001)]) {
      expectError(requestAppeal(deniedOn(), agent('z'), reason, allOn, [m('boss')], at(2)), 'invalid_reason');
    }
    must(requestAppeal(deniedOn(), agent('z'), 'x'.repeat(2000), allOn, [m('boss')], at(2)));
  });

  it('§2: appeals need appealsEnabled and the template allowAppeals (appeals_not_allowed)', () => {
    expectError(
      requestAppeal(deniedOn(), agent('z'), 'r', { ...allOn, appealsEnabled: false }, [m('boss')], at(2)),
      'appeals_not_allowed',
    );
    expectError(
      requestAppeal(deniedOn(false), agent('z'), 'r', allOn, [m('boss')], at(2)),
      'appeals_not_allowed',
    );
  });

  it('§2: one appeal per approval (appeal_exists), even after it was decided', () => {
    expectError(requestAppeal(appealing(), agent('z'), 'again', allOn, [m('boss')], at(3)), 'appeal_exists');
    const refused = must(decideAppeal(appealing(), m('boss'), 'deny', null, 'api', at(3))).approval;
    expectError(requestAppeal(refused, agent('z'), 'again', allOn, [m('boss')], at(4)), 'appeal_exists');
  });

  it('§2: only a denied approval can be appealed (not_denied)', () => {
    expectError(
      requestAppeal(start([step([m('a')])]), agent('z'), 'r', allOn, [m('boss')], at(2)),
      'not_denied',
    );
  });

  it('§2: a contact without access to the ticket is not_allowed', () => {
    expectError(
      requestAppeal(deniedOn(), contactActor('x', false), 'r', allOn, [m('boss')], at(2)),
      'not_allowed',
    );
  });

  it('§2: an appeal nobody could review is no_appeal_reviewers', () => {
    expectError(requestAppeal(deniedOn(), agent('z'), 'r', allOn, [], at(2)), 'no_appeal_reviewers');
  });
});

describe('decideAppeal (SPEC §2 appeal, rule 4)', () => {
  it('§2: a reviewer approving makes the approval approved and skips the steps that never ran', () => {
    const { approval, events } = must(
      decideAppeal(appealing(), c('cfo'), 'approve', 'fine', 'portal', at(3)),
    );
    expect(approval.status).toBe('approved');
    expect(approval.completedAt).toEqual(at(3));
    expect(approval.stepStates.map((s) => s.status)).toEqual(['denied', 'skipped']);
    expect(approval.appeal).toMatchObject({
      status: 'approved',
      decision: { value: 'approve', comment: 'fine', by: c('cfo'), at: at(3), channel: 'portal' },
    });
    expect(events).toEqual([
      { type: 'appeal_decided', by: c('cfo'), decision: 'approve', comment: 'fine', channel: 'portal' },
      { type: 'completed', status: 'approved' },
    ]);
  });

  it('§2: a reviewer denying makes the denial final', () => {
    const { approval, events } = must(decideAppeal(appealing(), m('boss'), 'deny', null, 'agent_ui', at(3)));
    expect(approval.status).toBe('denied');
    expect(approval.appeal!.status).toBe('denied');
    expect(approval.stepStates.map((s) => s.status)).toEqual(['denied', 'waiting']);
    expect(events.at(-1)).toEqual({ type: 'completed', status: 'denied' });
    expectError(decideAppeal(approval, m('boss'), 'approve', null, 'api', at(4)), 'not_pending');
  });

  it('rule 4: during an appeal only the appeal reviewers may decide (not_an_approver)', () => {
    expectError(decideAppeal(appealing(), m('a'), 'approve', null, 'api', at(3)), 'not_an_approver');
  });

  it('rule 4: without a pending appeal it is not_pending', () => {
    expectError(decideAppeal(deniedOn(), m('boss'), 'approve', null, 'api', at(3)), 'not_pending');
  });
});
