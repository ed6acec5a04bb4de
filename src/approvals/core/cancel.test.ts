import { describe, expect, it } from 'vitest';
import { requestAppeal } from './appeal.js';
import { cancel } from './cancel.js';
import { decide } from './decide.js';
import {
  admin,
  agent,
  allOn,
  at,
  contactActor,
  expectError,
  m,
  must,
  REQUESTER,
  start,
  step,
} from './test-fixtures.js';

describe('cancel (SPEC §3 rule 9)', () => {
  const base = () => start([step([m('a')]), step([m('b')])]);

  it('rule 9: the requesting member cancels; the current step is canceled and later ones stay waiting', () => {
    const { approval, events } = must(cancel(base(), agent(REQUESTER), at(2)));
    expect(approval.status).toBe('canceled');
    expect(approval.completedAt).toEqual(at(2));
    expect(approval.stepStates.map((s) => s.status)).toEqual(['canceled', 'waiting']);
    expect(approval.stepStates[0]!.completedAt).toEqual(at(2));
    expect(events).toEqual([{ type: 'canceled', by: m(REQUESTER), reason: 'requested' }]);
  });

  it('rule 9: an admin cancels', () => {
    const { events } = must(cancel(base(), admin('root'), at(2)));
    expect(events).toEqual([{ type: 'canceled', by: m('root'), reason: 'requested' }]);
  });

  it('rule 9: another agent or a contact is not_allowed', () => {
    expectError(cancel(base(), agent('a'), at(2)), 'not_allowed');
    expectError(cancel(base(), contactActor(REQUESTER, true), at(2)), 'not_allowed');
  });

  it('rule 9: a finished approval is not_pending', () => {
    const canceled = must(cancel(base(), agent(REQUESTER), at(2))).approval;
    expectError(cancel(canceled, admin(), at(3)), 'not_pending');
  });

  it('rule 9: an approval awaiting an appeal can be canceled; the appeal keeps its status', () => {
    const denied = must(decide(base(), m('a'), 'deny', null, 'api', null, at(1))).approval;
    const appealing = must(requestAppeal(denied, agent('x'), 'why', allOn, [m('boss')], at(2))).approval;
    const { approval } = must(cancel(appealing, admin(), at(3)));
    expect(approval.status).toBe('canceled');
    expect(approval.appeal!.status).toBe('pending');
    expect(approval.stepStates.map((s) => s.status)).toEqual(['denied', 'waiting']);
  });
});
