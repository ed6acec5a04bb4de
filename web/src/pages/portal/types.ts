/** What the API answers to a contact in the customer portal (SPEC §5, rule 3). */

export type ListPage<T> = { items: T[]; nextCursor: string | null };

export type PersonType = 'member' | 'contact';
export type NamedPerson = { type: PersonType; id: string; name: string | null };

export type TicketStatus = 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';

// One list of approval statuses for the whole web app (the agent workspace's).
import type { ApprovalStatus } from '../../components/approval/types.js';

export type { ApprovalStatus };
export type DisplayStatus = ApprovalStatus | 'partially_approved';
/** One list of step statuses for the agent app and the portal. */
export type { StepStatus } from '../../components/approval/types.js';

import type { StepStatus } from '../../components/approval/types.js';
export type Decision = 'approve' | 'deny';
export type Channel = 'agent_ui' | 'portal' | 'email_link' | 'api';
export type Rule = { type: 'any' } | { type: 'all' } | { type: 'min'; count: number };

export type Ticket = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requester: { id: string; name: string | null } | null;
  approvalStatus: DisplayStatus | null;
  createdAt: string;
  updatedAt: string;
};

export type Message = {
  id: string;
  author: NamedPerson | null;
  body: string;
  public: boolean;
  createdAt: string;
};

/** `messages`: the newest ones, oldest of them first; older ones from `messagesNextCursor` on. */
export type TicketDetail = Ticket & { messages: Message[]; messagesNextCursor: string | null };

export type ActivityType =
  | 'ticket_created'
  | 'ticket_updated'
  | 'message_added'
  | 'approval_requested'
  | 'step_started'
  | 'step_skipped'
  | 'step_has_no_approvers'
  | 'approver_left_out'
  | 'decision'
  | 'step_completed'
  | 'comment'
  | 'recipients_edited'
  | 'reminder_sent'
  | 'canceled'
  | 'appeal_requested'
  | 'appeal_decided'
  | 'completed'
  | 'expired'
  | 'needs_info_requested'
  | 'info_provided';

export type Activity = {
  id: string;
  type: ActivityType;
  approvalId: string | null;
  actor: NamedPerson | null;
  channel: Channel | null;
  data: Record<string, unknown>;
  createdAt: string;
};

export type Approver = NamedPerson & {
  decision: Decision | null;
  comment: string | null;
  decidedAt: string | null;
  channel: Channel | null;
};

export type ApprovalStep = {
  name: string;
  rule: Rule;
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  approvers: Approver[];
};

export type ApprovalComment = {
  id: string;
  author: NamedPerson;
  body: string;
  internal: boolean;
  createdAt: string;
};

export type Appeal = {
  reason: string;
  status: 'pending' | 'approved' | 'denied';
  requestedBy: NamedPerson;
  requestedAt: string;
  reviewers: NamedPerson[];
  decision: { value: Decision; comment: string | null; by: NamedPerson; at: string } | null;
};

export type Approval = {
  id: string;
  number: number;
  ticketId: string;
  title: string;
  description: string | null;
  status: ApprovalStatus;
  displayStatus: DisplayStatus;
  currentStepIndex: number;
  requestedBy: NamedPerson;
  onBehalfOf: NamedPerson | null;
  steps: ApprovalStep[];
  comments: ApprovalComment[];
  appeal: Appeal | null;
  canRespond: boolean;
  canAppeal: boolean;
  canComment: boolean;
  /** While the status is `needs_info`: who asked and since when (SPEC §8.1). */
  needsInfo?: { askedBy: NamedPerson; askedAt: string } | null;
  canAskForInfo?: boolean;
  canProvideInfo?: boolean;
  expiresAt: string | null;
  completedAt: string | null;
  createdAt: string;
};

export type ApprovalTask = {
  id: string;
  number: number;
  ticketId: string;
  ticket: { id: string; number: number; subject: string };
  title: string;
  status: ApprovalStatus;
  displayStatus: DisplayStatus;
  currentStepIndex: number;
  currentStepName: string | null;
  requestedBy: NamedPerson;
  createdAt: string;
};

export type ApprovalTasks = { awaitingMe: ApprovalTask[]; requestedByMe: ApprovalTask[] };

export type SignInLinkRedeemed = {
  principal: { type: 'contact'; id: string };
  next: string | null;
  csrfToken: string;
};

export const APPEAL_REASON_MAX = 2000;
export const COMMENT_MAX = 10_000;
export const SUBJECT_MAX = 200;
