import { expect } from 'vitest';
import { type StartApprovalInput, startApproval } from './start.js';
import type {
  Actor,
  Approval,
  ApprovalSettings,
  ApproverRef,
  ContactRef,
  DomainErrorCode,
  MemberRef,
  ResolutionContext,
  Result,
  Rule,
  StepDefinition,
} from './types.js';

export const T0 = new Date('2025-03-01T09:00:00.000Z');
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

export const m = (id: string): MemberRef => ({ type: 'member', id });
export const c = (id: string): ContactRef => ({ type: 'contact', id });

export const admin = (id = 'admin'): Actor => ({ type: 'member', id, role: 'admin' });
export const agent = (id: string): Actor => ({ type: 'member', id, role: 'agent' });
export const contactActor = (id: string, hasTicketAccess: boolean): Actor => ({
  type: 'contact',
  id,
  hasTicketAccess,
});

export const REQUESTER = 'requester';

export const allOn: ApprovalSettings = { contactsCanViewApprovals: true, appealsEnabled: true };
export const allOff: ApprovalSettings = { contactsCanViewApprovals: false, appealsEnabled: false };

export function context(overrides: Partial<ResolutionContext> = {}): ResolutionContext {
  return {
    ticket: { requesterId: 'req', contactIds: ['req', 'cc1'], assigneeId: 'assignee' },
    groups: {},
    ...overrides,
  };
}

export function step(approvers: ApproverRef[], rule: Rule = { type: 'any' }, name = 'Step'): StepDefinition {
  return { name, approvers, rule };
}

/** Recursively freezes, so a test fails loudly if a command mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return deepFreeze(result.value);
}

export function expectError<T>(result: Result<T>, code: DomainErrorCode): void {
  expect(result.ok ? 'ok' : result.error.code).toBe(code);
}

export function start(
  steps: StepDefinition[],
  options: Partial<Omit<StartApprovalInput, 'steps'>> & { ctx?: ResolutionContext } = {},
): Approval {
  const { ctx = context(), ...rest } = options;
  return must(
    startApproval(
      {
        steps,
        requestedBy: REQUESTER,
        allowAppeals: true,
        appealReviewers: [m('boss')],
        expiresAt: null,
        ...rest,
      },
      ctx,
      T0,
    ),
  ).approval;
}
