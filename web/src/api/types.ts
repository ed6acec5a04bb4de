/**
 * The web app's one module of API types (issue 13). Every page imports its API shapes from here.
 *
 * Every type is derived from the generated OpenAPI document (./openapi.d.ts, `npm run api:types`): a named
 * component, an operation's body, query or answer, or a part of one. None is written by hand, so a change
 * of the server's schemas shows up as a compile error in the page that reads it
 * (test/web/api-types-hand.test.ts keeps it so).
 */
import type { components, paths } from './openapi.js';

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

// ---------------------------------------------------------------- responses (generated)

type Schemas = components['schemas'];
type SuccessStatus = 200 | 201;
/** The JSON an operation answers on success (200 or 201). */
type ResponseOf<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = Operation<
  P,
  M
>['responses'] extends infer R
  ? {
      [S in SuccessStatus & keyof R]: R[S] extends { content: { 'application/json': infer J } } ? J : never;
    }[SuccessStatus & keyof R]
  : never;

/** An error answer (application/problem+json); extension members are `unknown` until read. */
export type Problem = Schemas['Problem'];
export type ProblemCode = Problem['code'];

/**
 * A list answer: `{items, nextCursor}`; `?cursor=` fetches the next page. Every list operation's
 * answer, named or not, so that a loader can take the page type and return its items.
 */
export type ListPage =
  | Schemas['ActivityPage']
  | Schemas['AuditEventPage']
  | Schemas['ContactPage']
  | Schemas['DeadEmailPage']
  | Schemas['GroupPage']
  | Schemas['MemberPage']
  | Schemas['TemplatePage']
  | Schemas['TicketMessagePage']
  | Schemas['TicketPage']
  | ApprovalPage;
export type ItemOf<Page extends ListPage> = Page['items'][number];

/** A person as the API names them: a reference and their current name (null once they are gone). */
export type Named = Schemas['PersonSummary'];

export type Me = Schemas['Me'];
export type Settings = Schemas['Settings'];

export type Member = Schemas['Member'];
export type MemberPage = Schemas['MemberPage'];
export type Contact = Schemas['Contact'];
export type DeadEmail = Schemas['DeadEmail'];
export type DeadEmailPage = Schemas['DeadEmailPage'];
export type RetriedEmail = Schemas['RetriedEmail'];
export type ContactPage = Schemas['ContactPage'];

export type ApprovalGroup = Schemas['Group'];
export type GroupPage = Schemas['GroupPage'];
/** A group's member or contact, with their name. */
export type NamedRef = ApprovalGroup['members'][number];

export type ApprovalTemplate = Schemas['Template'];
export type TemplatePage = Schemas['TemplatePage'];

/** A warning of `POST /approval-templates/preview` and `POST /tickets/{id}/approvals/preview`. */
export type StepWarning = Schemas['StepWarning'];
/** `POST /approval-templates/preview`: each step of a draft template and its warnings. */
export type TemplateDraftPreview = Schemas['TemplateDraftPreview'];
/** `POST /tickets/{id}/approvals/preview` (SPEC §8.1). */
export type TicketApprovalPreview = Schemas['TicketApprovalPreview'];

/** An approval as its reader may see it: members and contacts get the same shape (SPEC §5, rule 3). */
export type Approval = Schemas['Approval'];
/** `GET /tickets/{id}/approvals`: the document declares this page inline. */
export type ApprovalPage = ResponseOf<'/api/v1/tickets/{id}/approvals', 'get'>;
export type ApprovalStatus = Approval['status'];
export type DisplayStatus = Approval['displayStatus'];
export type ApprovalStep = Schemas['ApprovalStep'];
export type StepStatus = ApprovalStep['status'];
export type StepApprover = Schemas['ApprovalAssignment'];
export type Channel = NonNullable<StepApprover['channel']>;
export type ApprovalComment = Schemas['ApprovalComment'];
export type Appeal = NonNullable<Approval['appeal']>;

/** Everyone an agent may pick as an approver, and the names to show for references. */
export type Directory = { members: Member[]; contacts: Contact[]; groups: ApprovalGroup[] };

/** A ticket's approval status (SPEC §8.1): the most urgent unfinished approval, else the last finished. */
export type TicketApprovalStatus = NonNullable<Ticket['approvalStatus']>;

export type Ticket = Schemas['Ticket'];
export type TicketPage = Schemas['TicketPage'];
export type Message = Schemas['TicketMessage'];
/** A file kept with a message (SPEC §8.2), downloaded at `/tickets/{ticketId}/attachments/{id}`. */
export type Attachment = Schemas['TicketAttachment'];
export type TicketMessagePage = Schemas['TicketMessagePage'];
/** `messages`: the newest ones, oldest of them first; older ones from `messagesNextCursor` on. */
export type TicketDetail = Schemas['TicketWithMessages'];

export type Activity = Schemas['ActivityEntry'];
export type ActivityPage = Schemas['ActivityPage'];
export type ActivityType = Activity['type'];

export type ApprovalTask = Schemas['ApprovalTask'];
export type ApprovalTasks = ResponseOf<'/api/v1/me/approval-tasks', 'get'>;

export type SignInLinkRedeemed = Schemas['SignInLinkSession'];
/** `POST /auth/password-resets/redeem`: the password is set, nobody is signed in. */
export type PasswordSet = Schemas['PasswordSet'];
export type CsrfToken = Schemas['CsrfToken'];
/** `POST /auth/login`: a bearer token, or (a cookie session) the CSRF token to send with changes. */
export type Session = Schemas['Session'];
/** `409 choose_workspace` of `POST /auth/login` (SPEC §8.3): the workspaces the email and password open. */
export type ChooseWorkspaceProblem = Schemas['ChooseWorkspaceProblem'];
export type WorkspaceChoice = Schemas['WorkspaceChoice'];
/** `GET /workspaces/by-slug/{slug}`: whom the portal's `/portal/{slug}` sign-in is for. */
export type PublicWorkspace = Schemas['PublicWorkspace'];
/** `POST /signup`: a new workspace with its first admin. */
export type SignupBody = BodyOf<'/api/v1/signup', 'post'>;
export type Signup = Schemas['Signup'];
/** `GET /dev/mailbox` (SPEC §4, §7). */
export type DevMailbox = Schemas['DevMailbox'];
export type MailboxEmail = DevMailbox['items'][number];
export type MailboxAddress = DevMailbox['addresses'][number];
/** `POST /dev/mailbox/inbound` (issue 14): an email a developer sends into the product. */
export type DevInboundEmail = Schemas['DevInboundEmail'];
export type DevInboundResult = Schemas['DevInboundResult'];

// ---------------------------------------------------------------- the public response page (SPEC §4)

/** GET /api/v1/approval-links/{token}: what the response page may show (SPEC §4). */
export type LinkPage = Schemas['LinkPage'];
/** Who did something, as a link holder may see it: a name, no id. */
export type LinkPerson = LinkPage['expectedResponder'];
export type LinkDecision = LinkPage['approval']['decisions'][number];
export type LinkComment = LinkPage['approval']['comments'][number];
export type ThreadMessage = LinkPage['ticket']['thread'][number];

/** POST /api/v1/approval-links/{token}/decisions. */
export type LinkDecisionResult = Schemas['LinkDecisionResult'];

// ---------------------------------------------------------------- finding work (SPEC §8.3, issue 15)

/** `GET /tickets`' query: search, filters, saved view and sort. */
export type TicketQuery = QueryOf<'/api/v1/tickets'>;
export type TicketPriority = Ticket['priority'];
export type TicketViewId = NonNullable<TicketQuery['view']>;
export type TicketSort = NonNullable<TicketQuery['sort']>;
export type SortOrder = NonNullable<TicketQuery['order']>;
/** `GET /tickets/views`: how many tickets each saved view holds. */
export type TicketViewCounts = Schemas['TicketViewCounts'];
/** `POST /tickets/bulk`: the same change to many tickets. */
export type BulkTicketBody = BodyOf<'/api/v1/tickets/bulk', 'post'>;
export type BulkTicketChange = BulkTicketBody['set'];
/** One result per ticket, in request order. */
export type BulkTicketUpdate = Schemas['BulkTicketUpdate'];

export const TICKET_PRIORITIES = [
  'low',
  'normal',
  'high',
  'urgent',
] as const satisfies readonly TicketPriority[];
export const TICKET_VIEWS = [
  'mine',
  'unassigned',
  'awaiting_approval',
  'needs_my_approval',
  'all_open',
  'solved',
] as const satisfies readonly TicketViewId[];
export const TICKET_SORTS = ['updated', 'created', 'priority'] as const satisfies readonly TicketSort[];
