/**
 * The approval domain, as plain data. Nothing here does I/O: the persistence
 * layer loads an `Approval`, hands it to the functions of this folder with the
 * facts they need, and stores what they return.
 */

import type { Channel, PersonRef } from '../../shared/vocabulary.js';

// The shared vocabulary (src/shared), re-exported so that the core's own imports stay short.
export type { Channel, ContactRef, MemberRef, PersonRef, PersonType } from '../../shared/vocabulary.js';

export type GroupRef = { type: 'group'; id: string };
export type TicketRoleRef =
  | { type: 'ticket_requester' }
  | { type: 'ticket_contacts' }
  | { type: 'ticket_assignee' };
/** What a template step or an ad hoc request names; resolved to people when the step starts. */
export type ApproverRef = PersonRef | GroupRef | TicketRoleRef;

export type Rule = { type: 'any' } | { type: 'all' } | { type: 'min'; count: number };

/**
 * What a step does when its approvers resolve to nobody (SPEC §8.1): `wait` stays on the
 * step (`no_approvers`) until edit recipients adds someone; `skip` passes it (`step_skipped`).
 * Absent means `wait`, the default.
 */
export type WhenNobody = 'wait' | 'skip';

export type StepDefinition = { name: string; approvers: ApproverRef[]; rule: Rule; whenNobody?: WhenNobody };

/** A template's switches, copied onto each approval made from it (SPEC §8.1, issue 10 finding 11). */
export type TemplateSwitches = {
  /** The requesting member and the on-behalf-of person are never approvers of the request. */
  preventSelfApproval: boolean;
  /** A denial needs a non-empty comment. */
  requireCommentOnDeny: boolean;
  /** Only admins may edit recipients. */
  lockRecipients: boolean;
};

export type Decision = 'approve' | 'deny';

export type ApprovalStatus =
  | 'pending'
  | 'needs_info'
  | 'approved'
  | 'denied'
  | 'appeal_pending'
  | 'canceled'
  | 'expired';
export type DisplayStatus = ApprovalStatus | 'partially_approved';

export type StepStatus =
  | 'waiting'
  | 'active'
  /** Current, but resolved to nobody under `whenNobody: "wait"`: waits for edit recipients to add someone. */
  | 'no_approvers'
  | 'approved'
  | 'denied'
  | 'skipped'
  | 'canceled'
  | 'expired';

export type RecordedDecision = {
  value: Decision;
  comment: string | null;
  /** The comment is an internal note: members only (SPEC §8.1). Absent means false. */
  commentInternal?: boolean;
  at: Date;
  channel: Channel;
};

/** One person asked on one step. Removed people keep their row (audit) but no longer count. */
export type Assignment = {
  stepIndex: number;
  person: PersonRef;
  decision: RecordedDecision | null;
  addedAt: Date;
  removedAt: Date | null;
  /** Last manual or automatic reminder; the step's first email does not count (SPEC §4). */
  lastReminderAt: Date | null;
  reminderCount: number;
};

export type StepState = {
  status: StepStatus;
  /** The rule as applied when the step started (a `min` count may be clamped to the people resolved). */
  rule: Rule;
  startedAt: Date | null;
  completedAt: Date | null;
};

export type AppealDecision = {
  value: Decision;
  comment: string | null;
  by: PersonRef;
  at: Date;
  channel: Channel;
};

export type Appeal = {
  reason: string;
  requestedBy: PersonRef;
  requestedAt: Date;
  reviewers: PersonRef[];
  status: 'pending' | 'approved' | 'denied';
  decision: AppealDecision | null;
};

/**
 * The latest question asked of the requester side (SPEC §8.1 "Needs information").
 * Open (`endedAt` null) exactly while the status is `needs_info`.
 */
export type InfoRequest = { askedBy: PersonRef; askedAt: Date; endedAt: Date | null };

export type Approval = {
  status: ApprovalStatus;
  steps: StepDefinition[];
  /** Same length as `steps`. */
  stepStates: StepState[];
  currentStepIndex: number;
  /** Every person of every started step, in the order they were added. */
  assignments: Assignment[];
  /** Member id of the requesting member. */
  requestedBy: string;
  allowAppeals: boolean;
  appealReviewers: ApproverRef[];
  appeal: Appeal | null;
  expiresAt: Date | null;
  completedAt: Date | null;
  /** Absent on approvals made before template switches (and on ad hoc ones): every switch off. */
  switches?: TemplateSwitches;
  /** The person the request is made for, when not the requesting member (kept out by `preventSelfApproval`). */
  onBehalfOf?: PersonRef | null;
  /** Absent or null until someone asks for information (see needs-info.ts). */
  infoRequest?: InfoRequest | null;
};

/** The facts needed to resolve references, loaded by the caller for the step being started. */
export type ResolutionContext = {
  ticket: { requesterId: string | null; contactIds: string[]; assigneeId: string | null };
  /** Active people of each group, by group id. A missing group resolves to nobody. */
  groups: Record<string, PersonRef[]>;
  /** Deactivated members: never asked, however they are referenced (they cannot sign in to answer). */
  inactiveMemberIds?: readonly string[];
  /** At most this many people on one step (workspace setting `maxApproversPerStep`); absent: no cap. */
  maxPeoplePerStep?: number;
};

/** Who is acting. A contact carries whether they have access to the approval's ticket. */
export type Actor =
  | { type: 'member'; id: string; role: 'admin' | 'agent' }
  | { type: 'contact'; id: string; hasTicketAccess: boolean };

/** Workspace switches that change what the domain allows. */
export type ApprovalSettings = {
  contactsCanViewApprovals: boolean;
  appealsEnabled: boolean;
};

export type ApprovalEvent =
  | { type: 'requested' }
  /** `leftOut`: people a later step resolved to beyond the cap, not asked (see ./limits.ts). */
  | { type: 'step_started'; stepIndex: number; approvers: PersonRef[]; leftOut?: number }
  | { type: 'step_skipped'; stepIndex: number }
  | { type: 'step_has_no_approvers'; stepIndex: number }
  | { type: 'approver_left_out'; stepIndex: number; person: PersonRef; reason: 'self_approval' }
  | {
      type: 'decision_recorded';
      stepIndex: number;
      by: PersonRef;
      decision: Decision;
      comment: string | null;
      commentInternal?: boolean;
      channel: Channel;
    }
  | { type: 'step_completed'; stepIndex: number; outcome: 'approved' | 'denied' }
  | { type: 'completed'; status: 'approved' | 'denied' }
  | { type: 'recipients_edited'; stepIndex: number; added: PersonRef[]; removed: PersonRef[] }
  | { type: 'reminder_sent'; stepIndex: number; to: PersonRef[] }
  | { type: 'canceled'; by: PersonRef | null; reason: 'requested' | 'no_recipients' }
  | { type: 'appeal_requested'; by: PersonRef; reason: string; reviewers: PersonRef[] }
  | {
      type: 'appeal_decided';
      by: PersonRef;
      decision: Decision;
      comment: string | null;
      channel: Channel;
    }
  | { type: 'expired' }
  | { type: 'needs_info_requested'; by: PersonRef; question: string }
  | { type: 'info_provided'; by: PersonRef; answer: string; askedBy: PersonRef };

export type DomainErrorCode =
  | 'not_an_approver'
  | 'already_decided'
  | 'not_pending'
  | 'no_approvers'
  | 'min_exceeds_approvers'
  | 'min_unreachable'
  | 'not_allowed'
  | 'not_denied'
  | 'appeals_not_allowed'
  | 'appeal_exists'
  | 'no_appeal_reviewers'
  | 'invalid_reason'
  | 'not_awaiting'
  | 'reminder_too_soon'
  | 'self_approval'
  | 'comment_required'
  | 'recipients_locked'
  | 'not_needs_info'
  | 'too_many_approvers';

export type DomainError = {
  code: DomainErrorCode;
  message: string;
  /** For `reminder_too_soon`: seconds until a reminder is allowed again. */
  retryAfterSeconds?: number;
  /** For 400s: the request field at fault when it is not the code's usual one. */
  field?: string;
};

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/** What every state-changing command returns on success. */
export type Transition = { approval: Approval; events: ApprovalEvent[] };
