/**
 * Warnings about steps that would resolve to nobody or whose `min` count is above the
 * people they reach (SPEC §8.1): for a request about to be made on a ticket (exact, as
 * the steps would resolve now) and for a template draft (bounds, since no ticket is known).
 */
import { leaveOutSelfApprovers, whenNobodyOf } from './policy.js';
import { resolveApprovers } from './resolve.js';
import { type StartApprovalInput, startApproval } from './start.js';
import type { ApproverRef, DomainErrorCode, PersonRef, ResolutionContext, StepDefinition } from './types.js';

export type StepWarning =
  /** Resolves to nobody now (ticket) or whatever the ticket (draft). */
  | { code: 'resolves_to_nobody' }
  /** Draft only: resolves to nobody on some tickets (e.g. only `ticket_assignee`). */
  | { code: 'may_resolve_to_nobody' }
  /** The `min` count is above every person the step can reach. */
  | { code: 'min_above_reachable'; count: number; reachable: number }
  /** Draft only: the `min` count is above the people the step reaches on some tickets. */
  | { code: 'min_may_be_above_reachable'; count: number; atLeast: number };

export type TicketStepPreview = {
  name: string;
  whenNobody: 'wait' | 'skip';
  /** The people the step would ask if it started now. */
  approvers: PersonRef[];
  /** The people `preventSelfApproval` would leave out. */
  leftOut: PersonRef[];
  warnings: StepWarning[];
};

export type TicketPreview = {
  steps: TicketStepPreview[];
  /** Why requesting it now would be refused (400), or null when it would be made. */
  refusal: DomainErrorCode | null;
};

function countWarnings(step: StepDefinition, atLeast: number, atMost: number): StepWarning[] {
  const warnings: StepWarning[] = [];
  if (atMost === 0) warnings.push({ code: 'resolves_to_nobody' });
  else if (atLeast === 0) warnings.push({ code: 'may_resolve_to_nobody' });
  if (step.rule.type === 'min' && atMost > 0) {
    const count = step.rule.count;
    if (count > atMost) warnings.push({ code: 'min_above_reachable', count, reachable: atMost });
    else if (count > atLeast) warnings.push({ code: 'min_may_be_above_reachable', count, atLeast });
  }
  return warnings;
}

/** Each step as it would resolve on the ticket of `ctx` now, and whether the request would be made. */
export function previewForTicket(
  input: StartApprovalInput,
  ctx: ResolutionContext,
  now: Date,
): TicketPreview {
  const self = {
    switches: input.switches,
    requestedBy: input.requestedBy,
    onBehalfOf: input.onBehalfOf ?? null,
  };
  const steps = input.steps.map((step, index): TicketStepPreview => {
    const resolved = resolveApprovers(step.approvers, ctx);
    const { people } = leaveOutSelfApprovers(self, index, resolved);
    return {
      name: step.name,
      whenNobody: whenNobodyOf(step),
      approvers: people,
      leftOut: resolved.filter((p) => !people.includes(p)),
      warnings: countWarnings(step, people.length, people.length),
    };
  });
  const started = startApproval(input, ctx, now);
  return { steps, refusal: started.ok ? null : started.error.code };
}

/** What is known of a workspace without a ticket: its groups' active people and its inactive members. */
export type DraftFacts = { groups: Record<string, PersonRef[]>; inactiveMemberIds: readonly string[] };

/**
 * Bounds on the people each step of a draft reaches over every possible ticket: named
 * people and groups are known; the ticket's requester is one person, its assignee zero or
 * one, its contacts zero or more. (`preventSelfApproval` is left to the ticket preview:
 * who requests is not known here.)
 */
export function previewDraft(steps: StepDefinition[], facts: DraftFacts): StepWarning[][] {
  return steps.map((step) => {
    const known = resolveApprovers(
      step.approvers.filter((r) => r.type === 'member' || r.type === 'contact' || r.type === 'group'),
      { ticket: { requesterId: null, contactIds: [], assigneeId: null }, ...facts },
    );
    const has = (type: ApproverRef['type']) => step.approvers.some((r) => r.type === type);
    const requester = has('ticket_requester') ? 1 : 0;
    const atLeast = Math.max(known.length, requester);
    const atMost = has('ticket_contacts')
      ? Number.POSITIVE_INFINITY
      : known.length + requester + (has('ticket_assignee') ? 1 : 0);
    return countWarnings(step, atLeast, atMost);
  });
}
