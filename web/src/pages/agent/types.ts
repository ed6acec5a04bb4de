/** Shapes of the ticket API (SPEC §5), as the agent workspace reads them. */
import type { Channel, DisplayStatus, Named } from '../../components/approval/types.js';

export type TicketStatus = 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
export const TICKET_STATUSES: TicketStatus[] = ['open', 'pending', 'on_hold', 'solved', 'closed'];

export type ApprovalStatusFilter =
  | 'pending'
  | 'partially_approved'
  | 'approved'
  | 'denied'
  | 'appeal_pending'
  | 'expired'
  | 'none';
export const APPROVAL_STATUS_FILTERS: ApprovalStatusFilter[] = [
  'pending',
  'partially_approved',
  'approved',
  'denied',
  'appeal_pending',
  'expired',
  'none',
];

export type Ticket = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requesterId: string;
  requester: { id: string; name: string } | null;
  contactIds: string[];
  assigneeId: string | null;
  approvalStatus: DisplayStatus | null;
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
  | 'decision'
  | 'step_completed'
  | 'comment'
  | 'recipients_edited'
  | 'reminder_sent'
  | 'canceled'
  | 'appeal_requested'
  | 'appeal_decided'
  | 'completed'
  | 'expired';

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
