import { z } from 'zod';
import { pageOf } from '../shared/http/responses.js';
import { id } from '../shared/http/schemas.js';

/**
 * What the ticket routes answer (issue 13 item 1), the same for members and contacts: what a contact
 * may not see is left out of the rows (private messages, internal activity) or blanked (the approval
 * status under rule 2), never a field that only one of them gets.
 */

export const ticketStatus = z.enum(['open', 'pending', 'on_hold', 'solved', 'closed']);

/** SPEC §8.3: `low < normal < high < urgent`; new tickets are `normal`. */
export const ticketPriority = z.enum(['low', 'normal', 'high', 'urgent']);

/**
 * A tag as stored: trimmed, lower case, 1–40 characters, no spaces or commas, no control or zero-width
 * characters (a tag that looks empty, or like another, would be a trap).
 */
export const ticketTag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses.
    /^[^\s,\u0000-\u001f\u007f\u200b-\u200d\u2060\ufeff]+$/,
    'has no spaces, commas or invisible characters',
  );
/** A ticket's tags: at most 20, duplicates dropped. */
export const ticketTags = z
  .array(ticketTag)
  .max(20)
  .transform((tags) => [...new Set(tags)]);

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
    priority: ticketPriority,
    tags: z.array(z.string()),
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

/**
 * The web app's saved views (SPEC §8.3), defined here once: `GET /tickets?view=` applies one, and
 * `GET /tickets/views` counts them. Members only; "unsolved" is open, pending or on hold.
 * - `mine`: unsolved, assigned to me; `unassigned`: unsolved, nobody assigned;
 * - `awaiting_approval`: an approval is unfinished; `needs_my_approval`: I am asked to answer one now;
 * - `all_open`: unsolved; `solved`: solved or closed.
 */
export const ticketView = z.enum([
  'mine',
  'unassigned',
  'awaiting_approval',
  'needs_my_approval',
  'all_open',
  'solved',
]);
export type TicketViewName = z.infer<typeof ticketView>;

export const ticketViewCounts = z
  .object({
    views: z.array(z.object({ id: ticketView, count: z.number().int() })).describe('In the order above.'),
  })
  .meta({ id: 'TicketViewCounts' });

/** `POST /tickets/bulk`: the same change to each ticket, each in its own transaction. */
export const bulkUpdateBody = z.strictObject({
  ids: z.array(id).min(1).max(100),
  set: z
    .strictObject({
      status: ticketStatus.optional(),
      assigneeId: id.nullable().optional(),
      priority: ticketPriority.optional(),
      addTags: ticketTags.optional(),
    })
    .refine((s) => Object.keys(s).length > 0, 'names at least one change'),
});

export const bulkUpdateAnswer = z
  .object({
    results: z
      .array(
        z.object({
          id: z.string(),
          ok: z.boolean(),
          status: z
            .number()
            .int()
            .describe('The HTTP status this ticket alone would have had: 200, 404, 409…'),
          code: z.string().optional().describe('The error code when not ok (the table of error codes).'),
        }),
      )
      .describe('One per id, in request order.'),
  })
  .meta({ id: 'BulkTicketUpdate' });
