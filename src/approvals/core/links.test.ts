import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAppeal, requestAppeal } from './appeal.js';
import { cancel } from './cancel.js';
import { decide } from './decide.js';
import { APPEAL_STEP, DEAD_LINK_REASONS, deadLinkReason, type LinkFacts, linkAnswer } from './links.js';
import { canRespond } from './permissions.js';
import { editRecipients } from './recipients.js';
import { admin, allOn, at, context, m, must, start, step } from './test-fixtures.js';
import type { Approval, PersonRef } from './types.js';

const link = (person: PersonRef, overrides: Partial<LinkFacts> = {}): LinkFacts => ({
  stepIndex: 0,
  person,
  expiresAt: at(600),
  usedAt: null,
  revokedAt: null,
  personActive: true,
  ...overrides,
});

const twoSteps = () => start([step([m('a'), m('b')], { type: 'all' }), step([m('c')])]);

describe('dead-link reasons (SPEC §8.1, §8.6)', () => {
  it('a link of the current step, unused and in time, is alive, exactly when its person may respond', () => {
    const approval = twoSteps();
    expect(deadLinkReason(link(m('a')), approval, at(1))).toBeNull();
    expect(canRespond(approval, m('a'))).toBe(true);
  });

  it('used: the link answered (and says what), or its person answered on that step elsewhere', () => {
    const approved = must(decide(twoSteps(), m('a'), 'approve', null, 'portal', null, at(2))).approval;
    expect(deadLinkReason(link(m('a')), approved, at(3))).toBe('used');
    expect(linkAnswer(link(m('a')), approved)).toEqual({ value: 'approve', at: at(2) });
    expect(deadLinkReason(link(m('b'), { usedAt: at(2) }), twoSteps(), at(3))).toBe('used');
  });

  it("removed (rule 7): a removed person's link, also after they are added again, and a deactivated member's", () => {
    const removed = must(editRecipients(twoSteps(), [], [m('b')], null, at(2))).approval;
    expect(deadLinkReason(link(m('b')), removed, at(3))).toBe('removed');
    const readded = must(editRecipients(removed, [m('b')], [], null, at(4))).approval;
    // The re-added person is asked again (a fresh link), but the old link was revoked when they were removed.
    expect(canRespond(readded, m('b'))).toBe(true);
    expect(deadLinkReason(link(m('b'), { revokedAt: at(2) }), readded, at(5))).toBe('removed');
    expect(deadLinkReason(link(m('b')), readded, at(5))).toBeNull();
    expect(deadLinkReason(link(m('a'), { personActive: false }), twoSteps(), at(1))).toBe('removed');
  });

  it('finished: canceled, or denied (also while an appeal waits); step_moved_on: a later step is current', () => {
    const canceled = must(cancel(twoSteps(), admin(), at(2))).approval;
    expect(deadLinkReason(link(m('a')), canceled, at(3))).toBe('finished');
    const denied = must(decide(twoSteps(), m('a'), 'deny', null, 'portal', null, at(2))).approval;
    expect(deadLinkReason(link(m('b')), denied, at(3))).toBe('finished');
    const appealed = must(requestAppeal(denied, admin(), 'Please', allOn, [m('boss')], at(3))).approval;
    expect(deadLinkReason(link(m('b')), appealed, at(4))).toBe('finished');
    const reviewerLink = link(m('boss'), { stepIndex: APPEAL_STEP });
    expect(deadLinkReason(reviewerLink, appealed, at(4))).toBeNull();
    const decided = must(decideAppeal(appealed, m('boss'), 'approve', null, 'email_link', at(5))).approval;
    expect(deadLinkReason(reviewerLink, decided, at(6))).toBe('used');
    expect(linkAnswer(reviewerLink, decided)).toEqual({ value: 'approve', at: at(5) });

    const a = must(decide(twoSteps(), m('a'), 'approve', null, 'portal', null, at(2))).approval;
    const movedOn = must(decide(a, m('b'), 'approve', null, 'portal', context(), at(3))).approval;
    expect(movedOn.currentStepIndex).toBe(1);
    expect(deadLinkReason(link(m('c')), movedOn, at(4))).toBe('removed'); // never asked on step 0
    const early = start([step([m('a'), m('b')], { type: 'any' }), step([m('c')])]);
    const next = must(decide(early, m('a'), 'approve', null, 'portal', context(), at(2))).approval;
    expect(deadLinkReason(link(m('b')), next, at(3))).toBe('step_moved_on');
  });

  it('expired: after its expiry time, and only when nothing earlier in the order applies', () => {
    expect(deadLinkReason(link(m('a'), { expiresAt: at(1) }), twoSteps(), at(1))).toBe('expired');
    expect(deadLinkReason(link(m('a'), { expiresAt: at(1) }), twoSteps(), at(0))).toBeNull();
  });

  it('§8.6 order: whatever combination holds, the reason is the first of used, removed, finished, step_moved_on, expired', () => {
    const flags = fc.record({
      used: fc.boolean(),
      removed: fc.boolean(),
      finished: fc.boolean(),
      movedOn: fc.boolean(),
      expired: fc.boolean(),
    });
    fc.assert(
      fc.property(flags, (f) => {
        // Step 0 asks a and b under "any"; c is asked on step 1.
        let approval: Approval = start([step([m('a'), m('b')], { type: 'any' }), step([m('c')])]);
        if (f.movedOn)
          approval = must(decide(approval, m('b'), 'approve', null, 'portal', context(), at(1))).approval;
        if (f.finished) {
          approval = f.movedOn
            ? must(decide(approval, m('c'), 'approve', null, 'portal', null, at(2))).approval
            : must(cancel(approval, admin(), at(2))).approval;
        }
        const facts = link(m('a'), {
          usedAt: f.used ? at(1) : null,
          revokedAt: f.removed ? at(1) : null,
          expiresAt: f.expired ? at(3) : at(600),
        });
        const expected = DEAD_LINK_REASONS.find(
          (_, i) => [f.used, f.removed, f.finished, f.movedOn, f.expired][i],
        );
        expect(deadLinkReason(facts, approval, at(4))).toBe(expected ?? null);
      }),
    );
  });
});
