/** Shapes of the approval API (SPEC §5), as the agent workspace reads them. */

export type PersonType = 'member' | 'contact';
export type PersonRef = { type: PersonType; id: string };
export type GroupRef = { type: 'group'; id: string };
export type TicketRoleType = 'ticket_requester' | 'ticket_contacts' | 'ticket_assignee';
export type TicketRoleRef = { type: TicketRoleType };
/** Whom a step or an ad hoc request names; resolved to people when the step starts. */
export type ApproverRef = PersonRef | GroupRef | TicketRoleRef;

export type Named = PersonRef & { name: string | null };

export type Rule = { type: 'any' } | { type: 'all' } | { type: 'min'; count: number };
export type Decision = 'approve' | 'deny';
export type Channel = 'agent_ui' | 'portal' | 'email_link' | 'api';

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
  | 'no_approvers'
  | 'approved'
  | 'denied'
  | 'skipped'
  | 'canceled'
  | 'expired';

export type StepApprover = Named & {
  decision: Decision | null;
  comment: string | null;
  /** Members only: the decision's comment is an internal note (SPEC §8.1). */
  commentInternal?: boolean;
  decidedAt: string | null;
  channel: Channel | null;
};

export type ApprovalStep = {
  name: string;
  rule: Rule;
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  approvers: StepApprover[];
};

export type ApprovalComment = {
  id: string;
  author: Named;
  body: string;
  internal: boolean;
  createdAt: string;
};

export type Appeal = {
  reason: string;
  status: 'pending' | 'approved' | 'denied';
  requestedBy: Named;
  requestedAt: string;
  reviewers: Named[];
  decision: { value: Decision; comment: string | null; by: Named; at: string } | null;
};

export type Approval = {
  id: string;
  number: number;
  ticketId: string;
  templateId: string | null;
  title: string;
  description: string | null;
  status: ApprovalStatus;
  displayStatus: DisplayStatus;
  currentStepIndex: number;
  requestedBy: Named;
  onBehalfOf: Named | null;
  formData?: Record<string, unknown> | null;
  steps: ApprovalStep[];
  comments: ApprovalComment[];
  appeal: Appeal | null;
  canRespond: boolean;
  canAppeal: boolean;
  canComment: boolean;
  canCancel: boolean;
  canEditRecipients: boolean;
  /** A denial needs a non-empty comment (the template's requireCommentOnDeny). */
  commentRequiredOnDeny?: boolean;
  /** While the status is `needs_info`: who asked and since when (SPEC §8.1). */
  needsInfo?: { askedBy: Named; askedAt: string } | null;
  canAskForInfo?: boolean;
  canProvideInfo?: boolean;
  expiresAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type TemplateStep = { name: string; rule: Rule; approvers: ApproverRef[] };

export type ApprovalTemplate = {
  id: string;
  name: string;
  description: string | null;
  allowAppeals: boolean;
  steps: TemplateStep[];
  expireAfterHours: number | null;
};

export type Member = {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
  active: boolean;
};

export type Contact = {
  id: string;
  name: string;
  email: string;
  organization: string | null;
};

export type ApprovalGroup = {
  id: string;
  name: string;
  memberIds: string[];
  contactIds: string[];
};

/** Everyone an agent may pick as an approver, and the names to show for references. */
export type Directory = {
  members: Member[];
  contacts: Contact[];
  groups: ApprovalGroup[];
};

export type ListPage<T> = { items: T[]; nextCursor: string | null };
