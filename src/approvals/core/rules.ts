import type { Assignment, Rule } from './types.js';

export type StepOutcome = 'approved' | 'denied' | 'open';

/** Throws: a rule reaching the domain has been validated at the boundary already. */
export function assertValidRule(rule: Rule): void {
  if (rule.type === 'min' && (!Number.isInteger(rule.count) || rule.count < 1)) {
    throw new Error(`invalid min rule count: ${rule.count}`);
  }
}

/**
 * Outcome of a step under `rule`, counting only assignments that were not removed.
 * In a reachable state `any` never has both an approval and a denial (the first one
 * completes the step), so the order of its two checks does not matter.
 */
export function evaluateStep(rule: Rule, assignmentsOfStep: readonly Assignment[]): StepOutcome {
  let approvals = 0;
  let denials = 0;
  let undecided = 0;
  for (const a of assignmentsOfStep) {
    if (a.removedAt !== null) continue;
    if (a.decision === null) undecided++;
    else if (a.decision.value === 'approve') approvals++;
    else denials++;
  }
  switch (rule.type) {
    case 'any':
      if (approvals >= 1) return 'approved';
      if (denials >= 1) return 'denied';
      return 'open';
    case 'all':
      if (denials >= 1) return 'denied';
      if (undecided === 0 && approvals >= 1) return 'approved';
      return 'open';
    case 'min':
      assertValidRule(rule);
      if (approvals >= rule.count) return 'approved';
      if (approvals + undecided < rule.count) return 'denied';
      return 'open';
  }
}
