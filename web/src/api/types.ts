/**
 * The web app's one module of API types (issue 13). Every page imports its API shapes from here.
 *
 * Each type is derived from the generated OpenAPI document (./openapi.d.ts, `npm run api:types`) where
 * the document already declares it: today the request bodies and query parameters. A response the
 * server does not declare yet is the single hand type left, marked `contract:`; when its route declares
 * a response schema, replace the hand type with the generated one and let the compiler show what moved.
 */
import type { paths } from './openapi.js';

// ---------------------------------------------------------------- reading the generated document

type Operation<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = NonNullable<
  paths[P][M]
>;
/** The JSON body an operation accepts. */
type BodyOf<P extends keyof paths, M extends 'post' | 'put' | 'patch'> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** The query parameters an operation accepts. */
type QueryOf<P extends keyof paths> = NonNullable<Operation<P, 'get'>['parameters']['query']>;
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

// ---------------------------------------------------------------- requests (generated)

/** POST /tickets/{id}/approvals: an ad hoc request, or one from a template. */
export type ApprovalRequestBody = BodyOf<'/api/v1/tickets/{id}/approvals', 'post'>;
/** Whom a step or an ad hoc request names; resolved to people when the step starts. */
export type ApproverRef = ElementOf<NonNullable<ApprovalRequestBody['approvers']>>;
export type RefType = ApproverRef['type'];
/** A member or a contact (the on-behalf-of person). */
export type PersonRef = NonNullable<ApprovalRequestBody['onBehalfOf']>;
export type PersonType = PersonRef['type'];
export type GroupRef = Extract<ApproverRef, { type: 'group' }>;
/** A person or a group: what an appeal reviewer may be. */
export type DirectoryRef = Extract<ApproverRef, { id: string }>;
export type DirectoryRefType = DirectoryRef['type'];
export type TicketRoleRef = Exclude<ApproverRef, { id: string }>;
export type TicketRoleType = TicketRoleRef['type'];
export type Rule = NonNullable<ApprovalRequestBody['rule']>;

export type Decision = BodyOf<'/api/v1/approvals/{id}/decisions', 'post'>['decision'];
export type DecisionBody = BodyOf<'/api/v1/approvals/{id}/decisions', 'post'>;

/** POST and PUT /approval-templates. */
export type TemplateBody = BodyOf<'/api/v1/approval-templates', 'post'>;
export type TemplateStep = ElementOf<TemplateBody['steps']>;
export type WhenNobody = NonNullable<TemplateStep['whenNobody']>;
/** The template switches of SPEC §8.1 (all default false). */
export type TemplateSwitches = Required<
  Pick<TemplateBody, 'preventSelfApproval' | 'requireCommentOnDeny' | 'lockRecipients'>
>;

export type MemberCreate = BodyOf<'/api/v1/members', 'post'>;
export type MemberUpdate = BodyOf<'/api/v1/members/{id}', 'patch'>;
export type Role = MemberCreate['role'];
export type Locale = NonNullable<MemberCreate['locale']>;
export type ContactCreate = BodyOf<'/api/v1/contacts', 'post'>;
export type ContactUpdate = BodyOf<'/api/v1/contacts/{id}', 'patch'>;
export type GroupBody = Required<BodyOf<'/api/v1/approval-groups', 'post'>>;
export type SettingsUpdate = BodyOf<'/api/v1/settings', 'patch'>;

export type TicketCreate = BodyOf<'/api/v1/tickets', 'post'>;
export type TicketUpdate = BodyOf<'/api/v1/tickets/{id}', 'patch'>;
export type TicketStatus = NonNullable<TicketUpdate['status']>;
/** SPEC §8.6: a ticket's approval status, `unfinished` (any unfinished approval) or `none`. */
export type ApprovalStatusFilter = NonNullable<QueryOf<'/api/v1/tickets'>['approvalStatus']>;

export const TICKET_STATUSES = [
  'open',
  'pending',
  'on_hold',
  'solved',
  'closed',
] as const satisfies readonly TicketStatus[];
export const APPROVAL_STATUS_FILTERS = [
  'unfinished',
  'needs_info',
  'appeal_pending',
  'partially_approved',
  'pending',
  'approved',
  'denied',
  'expired',
  'none',
] as const satisfies readonly ApprovalStatusFilter[];

/** Length limits the forms enforce before the server does. */
export const APPEAL_REASON_MAX = 2000;
export const COMMENT_MAX = 10_000;
export const SUBJECT_MAX = 200;

// ---------------------------------------------------------------- responses (hand types, until declared)

/** A list answer: `{items, nextCursor}`; `?cursor=` fetches the next page. */
// contract: replace with the generated list schema once the routes declare it
export type ListPage<T> = { items: T[]; nextCursor: string | null };

/** An error answer (application/problem+json). */
// contract: replace with components['schemas']['Problem'] once the route declares it
export type Problem = {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
};

/** A person as the API names them. */
// contract: replace with components['schemas']['Named'] once the route declares it
export type Named = PersonRef & { name: string | null };

// contract: replace with components['schemas']['Me'] once the route declares it
export type Me = {
  type: PersonType;
  id: string;
  workspaceId: string;
  name: string;
  email: string;
  role?: Role;
  locale: Locale | null;
};

// contract: replace with components['schemas']['Settings'] once the route declares it
export type Settings = Required<SettingsUpdate>;

// contract: replace with components['schemas']['Member'] once the route declares it
export type Member = {
  id: string;
  name: string;
  email: string;
  role: Role;
  locale: Locale | null;
  active: boolean;
  createdAt: string;
};

// contract: replace with components['schemas']['Contact'] once the route declares it
export type Contact = {
  id: string;
  name: string;
  email: string;
  locale: Locale | null;
  organization: string | null;
  createdAt: string;
};

export type NamedRef = { id: string; name: string };

// contract: replace with components['schemas']['Group'] once the route declares it
export type ApprovalGroup = {
  id: string;
  name: string;
  memberIds: string[];
  contactIds: string[];
  members: NamedRef[];
  contacts: NamedRef[];
  createdAt: string;
};

// contract: replace with components['schemas']['Template'] once the route declares it
export type ApprovalTemplate = {
  id: string;
  name: string;
  description: string | null;
  allowAppeals: boolean;
  appealReviewers: DirectoryRef[];
  steps: TemplateStep[];
  expireAfterHours: number | null;
  createdAt: string;
  updatedAt: string;
} & TemplateSwitches;

/** A warning of `POST /approval-templates/preview` and `POST /tickets/{id}/approvals/preview`. */
// contract: replace with components['schemas']['StepWarning'] once the route declares it
export type StepWarning =
  | { code: 'resolves_to_nobody' }
  | { code: 'may_resolve_to_nobody' }
  | { code: 'min_above_reachable'; count: number; reachable: number }
  | { code: 'min_may_be_above_reachable'; count: number; atLeast: number };

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

// contract: replace with components['schemas']['StepApprover'] once the route declares it
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

/** An approval as its reader may see it: members and contacts get the same shape (SPEC §5, rule 3). */
// contract: replace with components['schemas']['Approval'] once the route declares it
export type Approval = {
  id: string;
  number: number;
  ticketId: string;
  templateId?: string | null;
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
  canCancel?: boolean;
  canEditRecipients?: boolean;
  /** A denial needs a non-empty comment (the template's requireCommentOnDeny). */
  commentRequiredOnDeny?: boolean;
  /** While the status is `needs_info`: who asked and since when (SPEC §8.1). */
  needsInfo?: { askedBy: Named; askedAt: string } | null;
  canAskForInfo?: boolean;
  canProvideInfo?: boolean;
  expiresAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt?: string;
};

/** Everyone an agent may pick as an approver, and the names to show for references. */
export type Directory = { members: Member[]; contacts: Contact[]; groups: ApprovalGroup[] };

/** A ticket's approval status (SPEC §8.1): the most urgent unfinished approval, else the last finished. */
export type TicketApprovalStatus = DisplayStatus;

// contract: replace with components['schemas']['Ticket'] once the route declares it
export type Ticket = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requesterId?: string;
  requester: { id: string; name: string | null } | null;
  contactIds?: string[];
  assigneeId?: string | null;
  approvalStatus: TicketApprovalStatus | null;
  /** Approvals not canceled, and how many are unfinished (SPEC §8.1). */
  approvalCounts?: { unfinished: number; total: number };
  createdAt: string;
  updatedAt: string;
};

// contract: replace with components['schemas']['Message'] once the route declares it
export type Message = {
  id: string;
  author: Named | null;
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

// contract: replace with components['schemas']['Activity'] once the route declares it
export type Activity = {
  id: string;
  type: ActivityType;
  approvalId: string | null;
  actor: Named | null;
  channel: Channel | null;
  data: Record<string, unknown>;
  createdAt: string;
};

// contract: replace with components['schemas']['ApprovalTask'] once the route declares it
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
  requestedBy: Named;
  createdAt: string;
  updatedAt?: string;
};

export type ApprovalTasks = { awaitingMe: ApprovalTask[]; requestedByMe: ApprovalTask[] };

// contract: replace with the generated response of POST /auth/sign-in-links/redeem once it declares it
export type SignInLinkRedeemed = {
  principal: { type: 'contact'; id: string };
  next: string | null;
  csrfToken: string;
};

// ---------------------------------------------------------------- the public response page (SPEC §4)

/** Who did something, as a link holder may see it: a name, no id. */
export type LinkPerson = { type: PersonType; name: string | null };

export type LinkDecision = {
  stepIndex: number;
  stepName: string | null;
  by: LinkPerson;
  decision: Decision;
  comment: string | null;
  channel: string;
  at: string;
};

export type LinkComment = {
  id: string;
  author: LinkPerson;
  body: string;
  internal: boolean;
  createdAt: string;
};

export type ThreadMessage = { author: LinkPerson; body: string; createdAt: string };

/** GET /api/v1/approval-links/{token}: what the response page may show (SPEC §4). */
// contract: replace with components['schemas']['LinkPage'] once the route declares it
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
  locale: Locale;
  expectedResponder: { type: PersonType; name: string | null };
  signInRequired: boolean;
  signedIn: null | { type: PersonType; name: string; isExpectedResponder: boolean };
  expiresAt: string;
};

/** POST /api/v1/approval-links/{token}/decisions. */
// contract: replace with the generated response of POST /approval-links/{token}/decisions once it declares it
export type LinkDecisionResult = {
  decision: Decision;
  approval: { id: string; number: number; status: ApprovalStatus; displayStatus: DisplayStatus };
};

/** Why a real link is dead (SPEC §8.6), from the 410 problem's `reason`. */
export type DeadLinkReason = 'used' | 'removed' | 'finished' | 'step_moved_on' | 'expired';

/** The extension members of the link problems the page reads. */
// contract: replace with components['schemas']['Problem'] once the route declares it
export type LinkProblem = {
  reason?: DeadLinkReason;
  decision?: { value: Decision; at: string };
  workspace?: { id: string; name: string };
  responderType?: PersonType;
};
