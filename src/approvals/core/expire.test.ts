import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { expire, isDueToExpire } from './expire.js';
import { at, expectError, m, must, start, step } from './test-fixtures.js';

describe('expire (SPEC §2 status expired)', () => {
  const base = () => start([step([m('a')]), step([m('b')])], { expiresAt: at(60) });

  it('§2: a pending approval past its expiry becomes expired', () => {
    expect(isDueToExpire(base(), at(60))).toBe(true);
    const { approval, events } = must(expire(base(), at(60)));
    expect(approval.status).toBe('expired');
    expect(approval.completedAt).toEqual(at(60));
    expect(approval.stepStates.map((s) => s.status)).toEqual(['expired', 'waiting']);
    expect(events).toEqual([{ type: 'expired' }]);
  });

  it('§2: before its expiry, without an expiry, or when finished it is not_pending', () => {
    expectError(expire(base(), at(59)), 'not_pending');
    expectError(expire(start([step([m('a')])]), at(10_000)), 'not_pending');
    const denied = must(decide(base(), m('a'), 'deny', null, 'api', null, at(1))).approval;
    expectError(expire(denied, at(120)), 'not_pending');
  });
});
