import { describe, expect, it } from 'vitest';
import { evaluateStep } from './rules.js';
import { m, T0 } from './test-fixtures.js';
import type { Assignment, Decision } from './types.js';

function row(decision: Decision | null, removed = false, id = 'x'): Assignment {
  return {
    stepIndex: 0,
    person: m(id),
    decision: decision === null ? null : { value: decision, comment: null, at: T0, channel: 'api' },
    addedAt: T0,
    removedAt: removed ? T0 : null,
    lastReminderAt: null,
    reminderCount: 0,
  };
}

describe('evaluateStep (SPEC §2 rules and denial)', () => {
  it('§2 any: one approval completes the step', () => {
    expect(evaluateStep({ type: 'any' }, [row(null), row(null)])).toBe('open');
    expect(evaluateStep({ type: 'any' }, [row('approve'), row(null)])).toBe('approved');
  });

  it('§2 any: one deny denies the request', () => {
    expect(evaluateStep({ type: 'any' }, [row('deny'), row(null)])).toBe('denied');
  });

  it('§2 all: every approver must approve; one deny denies', () => {
    expect(evaluateStep({ type: 'all' }, [row('approve'), row(null)])).toBe('open');
    expect(evaluateStep({ type: 'all' }, [row('approve'), row('approve')])).toBe('approved');
    expect(evaluateStep({ type: 'all' }, [row('approve'), row('deny'), row(null)])).toBe('denied');
    expect(evaluateStep({ type: 'all' }, [])).toBe('open');
  });

  it('§2 min N: N approvals complete the step', () => {
    const rule = { type: 'min', count: 2 } as const;
    expect(evaluateStep(rule, [row('approve'), row(null), row(null)])).toBe('open');
    expect(evaluateStep(rule, [row('approve'), row('approve'), row(null)])).toBe('approved');
  });

  it('§2 min N: denied as soon as N approvals can no longer be reached', () => {
    const rule = { type: 'min', count: 2 } as const;
    expect(evaluateStep(rule, [row('deny'), row('approve'), row(null)])).toBe('open');
    expect(evaluateStep(rule, [row('deny'), row('deny'), row(null)])).toBe('denied');
  });

  it('§3 rule 7: removed people no longer count', () => {
    expect(evaluateStep({ type: 'any' }, [row('approve', true), row(null)])).toBe('open');
    expect(evaluateStep({ type: 'all' }, [row(null, true), row('approve')])).toBe('approved');
    expect(evaluateStep({ type: 'all' }, [row('deny', true), row(null)])).toBe('open');
  });

  it('a min count below 1 is a programmer error', () => {
    expect(() => evaluateStep({ type: 'min', count: 0 }, [row(null)])).toThrow();
  });
});
