import { z } from 'zod';
import { pageOf } from '../shared/http/responses.js';

/**
 * What the ticket routes answer (issue 13 item 1), the same for members and contacts: what a contact
 * may not see is left out of the rows (private messages, internal activity) or blanked (the approval
 * status under rule 2), never a field that only one of them gets.
 */

export const ticketStatus = z.enum(['open', 'pending', 'on_hold', 'solved', 'closed']);

/** SPEC §8.6: the most urgent unfinished approval's status, else the last finished one's. */
export const ticketApprovalStatus = z.enum([
  'needs_info',
  'appeal_pending',
  'partially_approved',
  'pending',
  'approved',
  'denied',
  'expired',
]);
export type TicketApprovalStatus = z.infer<typeof ticketApprovalStatus>;

const personType = z.enum(['member', 'contact']);
const channel = z.enum(['agent_ui', 'portal', 'email_link', 'email_reply', 'api']);

export const ticket = z
  .object({
    id: z.string(),
    number: z.number().int(),
    subject: z.string(),
    status: ticketStatus,
    requesterId: z.string(),
    requester: z.object({ id: z.string(), name: z.string() }).nullable(),
    contactIds: z.array(z.string()),
    assigneeId: z.string().nullable(),
    approvalStatus: ticketApprovalStatus
      .nullable()
      .describe('Null without approvals, and for contacts when approvals are hidden from them (rule 2).'),
    approvalCounts: z
      .object({ unfinished: z.number().int(), total: z.number().int() })
      .describe('Approvals not canceled, and how many are unfinished (zero for contacts under rule 2).'),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Ticket' });

export const ticketPage = pageOf(ticket, 'TicketPage');

/** A file kept with a message; `GET /tickets/{id}/attachments/{attachmentId}` downloads it. */
export const ticketAttachment = z
  .object({
    id: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int().describe('Bytes'),
  })
  .meta({ id: 'TicketAttachment' });

export const ticketMessage = z
  .object({
    id: z.string(),
    author: z.object({ type: personType, id: z.string(), name: z.string().nullable() }),
    body: z.string(),
    public: z.boolean().describe('Contacts see public messages only.'),
    channel: z.enum(['web', 'email']).describe('Typed in Signoff, or taken in by email (SPEC §8.2).'),
    attachments: z.array(ticketAttachment),
    createdAt: z.date(),
  })
  .meta({ id: 'TicketMessage' });

export const ticketMessagePage = pageOf(ticketMessage, 'TicketMessagePage');

export const ticketWithMessages = ticket
  .extend({
    messages: z.array(ticketMessage).describe('The newest messages, oldest of them first.'),
    messagesNextCursor: z
      .string()
      .nullable()
      .describe('Older messages: GET /tickets/{id}/messages with this cursor.'),
  })
  .meta({ id: 'TicketWithMessages' });

export const activityType = z.enum([
  'ticket_created',
  'ticket_updated',
  'message_added',
  'approval_requested',
  'step_started',
  'step_skipped',
  'step_has_no_approvers',
  'approver_left_out',
  'decision',
  'step_completed',
  'comment',
  'recipients_edited',
  'reminder_sent',
  'canceled',
  'appeal_requested',
  'appeal_decided',
  'completed',
  'expired',
  'needs_info_requested',
  'info_provided',
]);

export const activityEntry = z
  .object({
    id: z.string(),
    type: activityType,
    approvalId: z.string().nullable(),
    actor: z.object({ type: personType, id: z.string(), name: z.string().nullable() }).nullable(),
    channel: channel.nullable(),
    // Each type has its own details; they are described loosely until the activity types get schemas.
    data: z.record(z.string(), z.unknown()).describe("The entry's details, by type."),
    createdAt: z.date(),
  })
  .meta({ id: 'ActivityEntry' });

export const activityPage = pageOf(activityEntry, 'ActivityPage');
