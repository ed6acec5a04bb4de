import type { ColumnType, Generated } from 'kysely';
import type { PersonType } from '../vocabulary.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface WorkspacesTable {
  id: string;
  name: string;
  settings: Json<Record<string, unknown>>;
  next_ticket_number: Generated<number>;
  next_approval_number: Generated<number>;
  /** Emails per clock hour; null: the instance default (EMAIL_QUOTA_PER_HOUR). Set by the operator only. */
  email_quota_per_hour: number | null;
  /** The workspace's inbound address is `{slug}@{INBOUND_DOMAIN}` (SPEC §8.2); unique ignoring case. */
  slug: string;
  created_at: Generated<Date>;
}

export interface MembersTable {
  workspace_id: string;
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
  locale: 'en' | 'fr' | null;
  active: Generated<boolean>;
  password_hash: string | null;
  /** Profile switches (SPEC §8.2): new tickets, customer replies emailed to this member. */
  notify_new_tickets: Generated<boolean>;
  notify_customer_replies: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface ContactsTable {
  workspace_id: string;
  id: string;
  name: string;
  email: string;
  locale: 'en' | 'fr' | null;
  organization: string | null;
  password_hash: string | null;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  workspace_id: string;
  token_hash: string;
  principal_type: PersonType;
  principal_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export type TicketStatus = 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';

export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface TicketsTable {
  workspace_id: string;
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  requester_id: string;
  assignee_id: string | null;
  approval_status: string | null;
  /** Approvals not canceled that are still unfinished, and all those not canceled (SPEC §8.1). */
  approvals_unfinished: Generated<number>;
  approvals_total: Generated<number>;
  created_by_type: PersonType;
  created_by_id: string;
  /** The per-ticket reply address `{slug}+t{reply_token}@{INBOUND_DOMAIN}` (not a credential). */
  reply_token: Generated<string>;
  /** The Message-ID the ticket's emails answer: the emailed original's, or null (Signoff makes one). */
  email_thread_id: string | null;
  /** SPEC §8.3: `low < normal < high < urgent`; `priority_rank` (0–3) is generated from it. */
  priority: Generated<TicketPriority>;
  priority_rank: Generated<number>;
  /** Lower-case labels, unique per ticket. */
  tags: Generated<string[]>;
  /** Full-text search (SPEC §8.3), kept by triggers (migration 012); never written by the code. */
  search_vector: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TicketContactsTable {
  workspace_id: string;
  ticket_id: string;
  contact_id: string;
}

export interface TicketMessagesTable {
  workspace_id: string;
  id: string;
  seq: Generated<number>;
  ticket_id: string;
  author_type: PersonType;
  author_id: string;
  body: string;
  public: boolean;
  channel: Generated<MessageChannel>;
  /** The inbound email the message came from (its raw original is kept there). */
  inbound_message_id: string | null;
  created_at: Generated<Date>;
}

export type MessageChannel = 'web' | 'email';

export interface InboundMessagesTable {
  workspace_id: string;
  id: string;
  seq: Generated<string>;
  /** The Message-ID header without its angle brackets (or one made from the content when absent). */
  message_id: string;
  via: 'smtp' | 'http' | 'dev';
  from_address: string;
  subject: string;
  recipients: Json<string[]>;
  /** SPF, DKIM and DMARC results as computed on arrival (mailauth). */
  auth: Json<Record<string, unknown>>;
  /** Auto-Submitted, Precedence bulk/list/junk, List-Id or our own address: no automatic answer. */
  auto_submitted: boolean;
  outcome: string;
  ticket_id: string | null;
  approval_id: string | null;
  size_bytes: number;
  raw: Buffer;
  created_at: Generated<Date>;
}

export interface TicketAttachmentsTable {
  workspace_id: string;
  id: string;
  ticket_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  content: Buffer;
  created_at: Generated<Date>;
}

export interface ApprovalGroupsTable {
  workspace_id: string;
  id: string;
  name: string;
  created_at: Generated<Date>;
}

export interface ApprovalGroupMembersTable {
  workspace_id: string;
  group_id: string;
  member_id: string;
}

export interface ApprovalGroupContactsTable {
  workspace_id: string;
  group_id: string;
  contact_id: string;
}

export interface ApprovalTemplatesTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string | null;
  allow_appeals: boolean;
  appeal_reviewers: Json<unknown[]>;
  steps: Json<unknown[]>;
  expire_after_hours: number | null;
  prevent_self_approval: Generated<boolean>;
  require_comment_on_deny: Generated<boolean>;
  lock_recipients: Generated<boolean>;
  archived_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApprovalsTable {
  workspace_id: string;
  id: string;
  number: number;
  ticket_id: string;
  template_id: string | null;
  title: string;
  description: string | null;
  status: string;
  display_status: string;
  current_step_index: number;
  steps: Json<unknown[]>;
  step_states: Json<unknown[]>;
  requested_by: string;
  on_behalf_of: Json<unknown> | null;
  form_data: Json<unknown> | null;
  allow_appeals: boolean;
  appeal_reviewers: Json<unknown[]>;
  appeal: Json<unknown> | null;
  expires_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** The template's switches when the approval was made (SPEC §8.1); null: every switch off. */
  switches: Json<unknown> | null;
  /** {askedBy, askedAt, endedAt} of the latest request for information (migration 007). */
  info_request: Json<unknown> | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApprovalAssignmentsTable {
  workspace_id: string;
  approval_id: string;
  ordinal: number;
  step_index: number;
  person_type: PersonType;
  person_id: string;
  decision: 'approve' | 'deny' | null;
  decision_comment: string | null;
  decision_comment_internal: Generated<boolean>;
  decided_at: Timestamp | null;
  channel: string | null;
  added_at: Timestamp;
  removed_at: Timestamp | null;
  last_reminder_at: Timestamp | null;
  reminder_count: number;
  awaiting: boolean;
}

export interface ApprovalCommentsTable {
  workspace_id: string;
  id: string;
  seq: Generated<number>;
  approval_id: string;
  author_type: PersonType;
  author_id: string;
  body: string;
  internal: boolean;
  created_at: Generated<Date>;
}

export interface ActivitiesTable {
  workspace_id: string;
  id: string;
  seq: Generated<number>;
  ticket_id: string;
  approval_id: string | null;
  type: string;
  actor_type: PersonType | null;
  actor_id: string | null;
  channel: string | null;
  internal: Generated<boolean>;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface OutboxTable {
  workspace_id: string;
  id: string;
  seq: Generated<number>;
  event_id: string;
  kind: string;
  approval_id: string | null;
  recipient_type: PersonType;
  recipient_id: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<'pending' | 'sent' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Timestamp | null;
  locked_until: Timestamp | null;
  message_id: string | null;
  /** The ticket of a helpdesk email (SPEC §8.2); approval emails have `approval_id`. */
  ticket_id: string | null;
}

export interface ApprovalLinksTable {
  token_hash: string;
  workspace_id: string;
  approval_id: string;
  step_index: number;
  person_type: PersonType;
  person_id: string;
  outbox_id: string | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  /** Set when its person was removed from the step or deactivated (migration 009). */
  revoked_at: Timestamp | null;
  /** The hash of the email's per-recipient Reply-To token (SPEC §8.2 reply to approve). */
  reply_token_hash: string | null;
}

export interface IdempotencyKeysTable {
  workspace_id: string;
  principal_type: PersonType;
  principal_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Generated<Date>;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export interface SignInLinksTable {
  token_hash: string;
  workspace_id: string;
  contact_id: string | null;
  member_id: string | null;
  next_path: string | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface EmailQuotaUsageTable {
  workspace_id: string;
  window_start: Timestamp;
  claimed: number;
}

export interface PasswordTokensTable {
  token_hash: string;
  workspace_id: string;
  principal_type: PersonType;
  principal_id: string;
  purpose: 'password_reset' | 'invitation';
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuditEventsTable {
  workspace_id: string;
  id: string;
  seq: Generated<string>;
  kind: string;
  actor_type: PersonType | null;
  actor_id: string | null;
  subject_type: PersonType;
  subject_id: string;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface Database {
  workspaces: WorkspacesTable;
  members: MembersTable;
  contacts: ContactsTable;
  sessions: SessionsTable;
  tickets: TicketsTable;
  ticket_contacts: TicketContactsTable;
  ticket_messages: TicketMessagesTable;
  approval_groups: ApprovalGroupsTable;
  approval_group_members: ApprovalGroupMembersTable;
  approval_group_contacts: ApprovalGroupContactsTable;
  approval_templates: ApprovalTemplatesTable;
  approvals: ApprovalsTable;
  approval_assignments: ApprovalAssignmentsTable;
  approval_comments: ApprovalCommentsTable;
  activities: ActivitiesTable;
  outbox: OutboxTable;
  approval_links: ApprovalLinksTable;
  sign_in_links: SignInLinksTable;
  idempotency_keys: IdempotencyKeysTable;
  rate_limits: RateLimitsTable;
  email_quota_usage: EmailQuotaUsageTable;
  password_tokens: PasswordTokensTable;
  audit_events: AuditEventsTable;
  inbound_messages: InboundMessagesTable;
  ticket_attachments: TicketAttachmentsTable;
}
