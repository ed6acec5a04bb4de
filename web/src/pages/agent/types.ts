/** Shapes of the ticket API (SPEC §5), as the agent workspace reads them. */
import type { Channel, DisplayStatus, Named } from '../../components/approval/types.js';

export type TicketStatus = 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
export const TICKET_STATUSES: TicketStatus[] = ['open', 'pending', 'on_hold', 'solved', 'closed'];

/** SPEC §8.6: a ticket's approval status, `unfinished` (any unfinished approval) or `none`. */
export type ApprovalStatusFilter =
  | 'unfinished'
  | 'needs_info'
  | 'appeal_pending'
  | 'partially_approved'
  | 'pending'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'none';
export const APPROVAL_STATUS_FILTERS: ApprovalStatusFilter[] = [
  'unfinished',
  'needs_info',
  'appeal_pending',
  'partially_approved',
  'pending',
  'approved',
  'denied',
  'expired',
  'none',
];

/** A ticket's approval status (SPEC §8.1): the most urgent unfinished approval, else the last finished. */
export type TicketApprovalStatus = DisplayStatus | 'needs_info';

export type Ticket = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requesterId: string;
  requester: { id: string; name: string } | null;
  contactIds: string[];
  assigneeId: string | null;
  approvalStatus: TicketApprovalStatus | null;
  /** Approvals not canceled, and how many are unfinished (SPEC §8.1). */
  approvalCounts: { unfinished: number; total: number };
  createdAt: string;
  updatedAt: string;
};

export type Message = {
  id: string;
  author: Named;
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
  actor: Named | null;
  channel: Channel | null;
  data: Record<string, unknown>;
  createdAt: string;
};

export type ApprovalTask = {
  id: string;
  number: number;
  ticket: { id: string; number: number; subject: string };
  ticketId: string;
  title: string;
  status: string;
  displayStatus: DisplayStatus;
  currentStepIndex: number;
  currentStepName: string | null;
  requestedBy: Named;
  createdAt: string;
  updatedAt: string;
};

export type ApprovalTasks = { awaitingMe: ApprovalTask[]; requestedByMe: ApprovalTask[] };
