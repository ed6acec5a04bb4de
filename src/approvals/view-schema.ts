import { z } from 'zod';
import type { ApprovalStatus, Channel, Decision, DisplayStatus, StepStatus } from './core/types.js';
import type { toTask } from './queries.js';
import type { ApprovalView, CommentView } from './view.js';

/**
 * Response schemas of the approvals module: what `approvalView` (view.ts) and
 * the tasks lists return, described once for the serialiser and the OpenAPI
 * document. The serialiser (fastify-type-provider-zod) parses every reply with
 * these: a reply that does not match is a 500, and keys a schema does not name
 * are dropped, so a field left out here never reaches a client.
 *
 * Objects are plain `z.object` (not strict) on purpose: output parsing strips
 * what is not described instead of failing on it.
 */

/**
 * A point in time. The view hands out `Date`s, but a replayed Idempotency-Key
 * answer is JSON read back from the database, where dates are ISO strings:
 * both are accepted and written as an ISO string (`date-time` in the document).
 */
export const timestamp = z.preprocess(
  (value) => (typeof value === 'string' ? new Date(value) : value),
  z.date(),
);

const nullableTimestamp = timestamp.nullable();

export const approvalStatus = z.enum([
  'pending',
  'needs_info',
  'approved',
  'denied',
  'appeal_pending',
  'canceled',
  'expired',
] as const satisfies readonly ApprovalStatus[]);
export const displayStatus = z.enum([
  ...approvalStatus.options,
  'partially_approved',
] as const satisfies readonly DisplayStatus[]);
const stepStatus = z.enum([
  'waiting',
  'active',
  'no_approvers',
  'approved',
  'denied',
  'skipped',
  'canceled',
  'expired',
] as const satisfies readonly StepStatus[]);
const decision = z.enum(['approve', 'deny'] as const satisfies readonly Decision[]);
const channel = z.enum([
  'agent_ui',
  'portal',
  'email_link',
  'email_reply',
  'api',
] as const satisfies readonly Channel[]);

const appliedRule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('any') }),
  z.object({ type: z.literal('all') }),
  z.object({ type: z.literal('min'), count: z.number().int() }),
]);

/** A member or a contact with their name (null when the person is gone). */
export const personSummary = z
  .object({ type: z.enum(['member', 'contact']), id: z.string(), name: z.string().nullable() })
  .meta({ id: 'PersonSummary' });

export const approvalAssignment = z
  .object({
    ...personSummary.shape,
    decision: decision.nullable(),
    /** Null for a contact when the decision's comment is an internal note (SPEC §8.1). */
    comment: z.string().nullable(),
    /** Always false for a contact. */
    commentInternal: z.boolean(),
    decidedAt: nullableTimestamp,
    channel: channel.nullable(),
  })
  .meta({ id: 'ApprovalAssignment', description: 'One person asked on a step, and their answer.' });

export const approvalStep = z
  .object({
    name: z.string(),
    rule: appliedRule,
    status: stepStatus,
    startedAt: nullableTimestamp,
    completedAt: nullableTimestamp,
    approvers: z.array(approvalAssignment),
  })
  .meta({ id: 'ApprovalStep' });

export const approvalComment = z
  .object({
    id: z.string(),
    author: personSummary,
    body: z.string(),
    /** Contacts are never sent internal comments, so for them this is always false. */
    internal: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'ApprovalComment' });

const appeal = z.object({
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'denied']),
  requestedBy: personSummary,
  requestedAt: timestamp,
  reviewers: z.array(personSummary),
  decision: z
    .object({ value: decision, comment: z.string().nullable(), by: personSummary, at: timestamp })
    .nullable(),
});

export const approvalSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    ticketId: z.string(),
    templateId: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    status: approvalStatus,
    displayStatus,
    currentStepIndex: z.number().int(),
    requestedBy: personSummary,
    onBehalfOf: personSummary.nullable(),
    /** Members only: absent from a contact's view (SPEC rule 3). */
    formData: z.record(z.string(), z.unknown()).nullable().optional(),
    steps: z.array(approvalStep),
    comments: z.array(approvalComment),
    appeal: appeal.nullable(),
    canRespond: z.boolean(),
    canAppeal: z.boolean(),
    canComment: z.boolean(),
    canCancel: z.boolean(),
    canEditRecipients: z.boolean(),
    commentRequiredOnDeny: z.boolean(),
    needsInfo: z.object({ askedBy: personSummary, askedAt: timestamp }).nullable(),
    canAskForInfo: z.boolean(),
    canProvideInfo: z.boolean(),
    expiresAt: nullableTimestamp,
    completedAt: nullableTimestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Approval', description: 'An approval as the caller may see it (contacts see less).' });

export const approvalPage = z.object({ items: z.array(approvalSchema), nextCursor: z.string().nullable() });

/** One line of GET /me/approval-tasks (`toTask` in queries.ts). */
export const taskSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    ticket: z.object({ id: z.string(), number: z.number().int(), subject: z.string() }),
    ticketId: z.string(),
    title: z.string(),
    status: approvalStatus,
    displayStatus,
    currentStepIndex: z.number().int(),
    currentStepName: z.string().nullable(),
    requestedBy: personSummary,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'ApprovalTask' });

export const tasksSchema = z.object({ awaitingMe: z.array(taskSchema), requestedByMe: z.array(taskSchema) });

// The view and its schema are written apart; these fail to compile when the view returns something the
// schema would refuse (a 500 at run time), e.g. a new status or a renamed field.
type Accepts<Schema extends z.ZodType, Value extends z.input<Schema>> = Value;
export type _ViewMatchesSchema = Accepts<typeof approvalSchema, ApprovalView>;
export type _CommentMatchesSchema = Accepts<typeof approvalComment, CommentView>;
export type _TaskMatchesSchema = Accepts<typeof taskSchema, ReturnType<typeof toTask>>;
