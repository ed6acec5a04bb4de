import { isOpenForDecisions } from './needs-info.js';
import { samePerson } from './people.js';
import type { Approval, ApprovalStatus, Decision, PersonRef } from './types.js';

/** The step index of an appeal reviewer's link. */
export const APPEAL_STEP = -1;

/** What the core needs to know about one approval link (SPEC §4): never its token. */
export type LinkFacts = {
  /** The step it answers, or `APPEAL_STEP`. */
  stepIndex: number;
  person: PersonRef;
  expiresAt: Date;
  usedAt: Date | null;
  /** Set when its person was removed from the step or deactivated; it stays dead when they are asked again. */
  revokedAt: Date | null;
  /** False for a deactivated member (they can no longer answer anything). */
  personActive: boolean;
};

/** SPEC §8.1 / §8.6: why a real link is dead, in this order of precedence. */
export const DEAD_LINK_REASONS = ['used', 'removed', 'finished', 'step_moved_on', 'expired'] as const;
export type DeadLinkReason = (typeof DEAD_LINK_REASONS)[number];

/** The answer given with a link (or by its person on the link's step through another channel). */
export type LinkAnswer = { value: Decision; at: Date };

// A step's links stay alive while its approval is open for decisions: `needs_info` (SPEC §8.1) is
// unfinished like `pending`.
const stepLinksOpen = (status: ApprovalStatus) => isOpenForDecisions(status);

/**
 * What the link's person answered on the link's step (or on the appeal), or
 * null. A person who answered elsewhere (portal, agent UI) holds a link that
 * is "used" too: they have nothing left to answer with it.
 */
export function linkAnswer(link: LinkFacts, approval: Approval): LinkAnswer | null {
  if (link.stepIndex === APPEAL_STEP) {
    const decision = approval.appeal?.decision;
    return decision && samePerson(decision.by, link.person)
      ? { value: decision.value, at: decision.at }
      : null;
  }
  const answered = approval.assignments.find(
    (a) =>
      a.stepIndex === link.stepIndex &&
      a.removedAt === null &&
      a.decision !== null &&
      samePerson(a.person, link.person),
  );
  return answered?.decision ? { value: answered.decision.value, at: answered.decision.at } : null;
}

function stillAsked(link: LinkFacts, approval: Approval): boolean {
  if (link.stepIndex === APPEAL_STEP) {
    return approval.appeal?.reviewers.some((p) => samePerson(p, link.person)) ?? false;
  }
  return approval.assignments.some(
    (a) => a.stepIndex === link.stepIndex && a.removedAt === null && samePerson(a.person, link.person),
  );
}

function finished(link: LinkFacts, approval: Approval): boolean {
  if (link.stepIndex === APPEAL_STEP) return approval.status !== 'appeal_pending';
  // A denied request under appeal is finished for the step's approvers: only the reviewers answer now.
  return !stepLinksOpen(approval.status);
}

/**
 * Null while the link may still answer; otherwise why not: the first of
 * `used`, `removed`, `finished` (canceled included), `step_moved_on`,
 * `expired` that applies (SPEC §8.6).
 */
export function deadLinkReason(link: LinkFacts, approval: Approval, now: Date): DeadLinkReason | null {
  if (link.usedAt !== null || linkAnswer(link, approval) !== null) return 'used';
  if (link.revokedAt !== null || !link.personActive || !stillAsked(link, approval)) return 'removed';
  if (finished(link, approval)) return 'finished';
  if (link.stepIndex !== APPEAL_STEP && approval.currentStepIndex !== link.stepIndex) return 'step_moved_on';
  if (link.expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}
