import type {
  ApprovalStatus,
  Decision,
  DisplayStatus,
  PersonType,
  Rule,
  StepStatus,
} from '../portal/types.js';

/** GET /api/v1/approval-links/{token}: what the response page may show (SPEC §4). */
export type LinkPage = {
  kind: 'step' | 'appeal';
  workspace: { id: string; name: string };
  approval: {
    id: string;
    number: number;
    title: string;
    description: string | null;
    status: ApprovalStatus;
    displayStatus: DisplayStatus;
    currentStepIndex: number;
    requestedBy: { name: string | null };
    steps: {
      name: string;
      rule: Rule;
      status: StepStatus;
      approvers: { type: PersonType; name: string | null; decision: Decision | null }[];
    }[];
    appeal: { reason: string; status: 'pending' | 'approved' | 'denied' } | null;
    /** Every decision so far, oldest first (`stepIndex` -1 for the appeal's). */
    decisions: LinkDecision[];
    /** The comments the holder may see (internal ones only for the member signed in as the recipient). */
    comments: LinkComment[];
  };
  /** `thread`: the ticket's latest public messages, oldest first. */
  ticket: { number: number; subject: string; thread: ThreadMessage[] };
  /** The recipient's language, else the workspace's: the page renders in it. */
  locale: 'en' | 'fr';
  expectedResponder: { type: PersonType; name: string | null };
  signInRequired: boolean;
  signedIn: null | { type: PersonType; name: string; isExpectedResponder: boolean };
  expiresAt: string;
};

/** POST /api/v1/approval-links/{token}/decisions. */
export type LinkDecisionResult = {
  decision: Decision;
  approval: { id: string; number: number; status: ApprovalStatus; displayStatus: DisplayStatus };
};

export type NamedPerson = { type: PersonType; name: string | null };

export type LinkDecision = {
  stepIndex: number;
  stepName: string | null;
  by: NamedPerson;
  decision: Decision;
  comment: string | null;
  channel: string;
  at: string;
};

export type LinkComment = {
  id: string;
  author: NamedPerson;
  body: string;
  internal: boolean;
  createdAt: string;
};

export type ThreadMessage = { author: NamedPerson; body: string; createdAt: string };

/** Why a real link is dead (SPEC §8.6), from the 410 problem's `reason`. */
export type DeadLinkReason = 'used' | 'removed' | 'finished' | 'step_moved_on' | 'expired';

/** The extension members of the link problems the page reads. */
export type LinkProblem = {
  reason?: DeadLinkReason;
  decision?: { value: Decision; at: string };
  workspace?: { id: string; name: string };
  responderType?: PersonType;
};
