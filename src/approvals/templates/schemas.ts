import { z } from 'zod';
import { pageOf } from '../../shared/http/responses.js';

/**
 * What the template routes answer (issue 13 item 1). Output shapes only: the request bodies stay in
 * routes.ts, with their trimming and limits. Objects are not strict, so the serializer strips any key
 * a handler adds by mistake instead of sending it.
 */

const timestamp = z.date();

/**
 * A reference as a template stores it: a person, a group, or a role on the ticket. Not a named
 * component yet: the approvals' own schema (approvals/view-schema.ts, another branch) describes the
 * same vocabulary, and two components of one name would clash; it moves to src/shared with it.
 */
export const approverRefOut = z.discriminatedUnion('type', [
  z.object({ type: z.literal('member'), id: z.string() }),
  z.object({ type: z.literal('contact'), id: z.string() }),
  z.object({ type: z.literal('group'), id: z.string() }),
  z.object({ type: z.literal('ticket_requester') }),
  z.object({ type: z.literal('ticket_contacts') }),
  z.object({ type: z.literal('ticket_assignee') }),
]);

export const ruleOut = z.discriminatedUnion('type', [
  z.object({ type: z.literal('any') }),
  z.object({ type: z.literal('all') }),
  z.object({ type: z.literal('min'), count: z.number().int() }),
]);

export const templateStep = z
  .object({
    name: z.string(),
    approvers: z.array(approverRefOut),
    rule: ruleOut,
    whenNobody: z.enum(['wait', 'skip']),
  })
  .meta({ id: 'TemplateStep' });

export const template = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    allowAppeals: z.boolean(),
    appealReviewers: z.array(approverRefOut),
    steps: z.array(templateStep),
    expireAfterHours: z.number().int().nullable(),
    preventSelfApproval: z.boolean(),
    requireCommentOnDeny: z.boolean(),
    lockRecipients: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Template' });

export const templatePage = pageOf(template, 'TemplatePage');
