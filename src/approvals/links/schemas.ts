import { z } from 'zod';
import { ruleOut } from '../templates/schemas.js';

/**
 * What the public response page's routes answer (issue 13 item 1). Anyone holding the link may read
 * it, signed in or not, so people appear by type and name only: no ids, no email addresses (rule 3).
 * The serializer strips any key not named here, which keeps an id added to a handler by mistake from
 * reaching a link visitor.
 */

const personType = z.enum(['member', 'contact']);
const byName = z.object({ type: personType, name: z.string().nullable() });
const decision = z.enum(['approve', 'deny']);
const channel = z.enum(['agent_ui', 'portal', 'email_link', 'email_reply', 'api']);
const approvalStatus = z.enum([
  'pending',
  'needs_info',
  'approved',
  'denied',
  'appeal_pending',
  'canceled',
  'expired',
]);
const displayStatus = z.enum([...approvalStatus.options, 'partially_approved']);
const stepStatus = z.enum([
  'waiting',
  'active',
  'no_approvers',
  'approved',
  'denied',
  'skipped',
  'canceled',
  'expired',
]);

export const linkPage = z
  .object({
    kind: z.enum(['step', 'appeal']).describe('Whether the link answers a step or the appeal.'),
    workspace: z.object({ id: z.string(), name: z.string() }),
    locale: z.enum(['en', 'fr']).describe("The recipient's language, else the workspace's."),
    approval: z.object({
      id: z.string(),
      number: z.number().int(),
      title: z.string(),
      description: z.string().nullable(),
      status: approvalStatus,
      displayStatus,
      currentStepIndex: z.number().int(),
      requestedBy: z.object({ name: z.string().nullable() }),
      steps: z.array(
        z.object({
          name: z.string(),
          rule: ruleOut,
          status: stepStatus,
          approvers: z.array(byName.extend({ decision: decision.nullable() })),
        }),
      ),
      appeal: z.object({ reason: z.string(), status: z.enum(['pending', 'approved', 'denied']) }).nullable(),
      decisions: z.array(
        z.object({
          stepIndex: z.number().int().describe('-1 for the appeal.'),
          stepName: z.string().nullable(),
          by: byName,
          decision,
          comment: z
            .string()
            .nullable()
            .describe(
              "Null when none, or when internal and the visitor is not the link's member, signed in.",
            ),
          channel,
          at: z.date(),
        }),
      ),
      comments: z
        .array(
          z.object({
            id: z.string(),
            author: byName,
            body: z.string(),
            internal: z.boolean(),
            createdAt: z.date(),
          }),
        )
        .describe("Internal ones only to the link's member, signed in."),
    }),
    ticket: z.object({
      number: z.number().int(),
      subject: z.string(),
      thread: z
        .array(z.object({ author: byName, body: z.string(), createdAt: z.date() }))
        .describe('The newest public messages, oldest first.'),
    }),
    expectedResponder: byName,
    signInRequired: z.boolean(),
    signedIn: z.object({ type: personType, name: z.string(), isExpectedResponder: z.boolean() }).nullable(),
    expiresAt: z.date(),
  })
  .meta({ id: 'LinkPage' });

export const linkDecisionResult = z
  .object({
    decision,
    approval: z.object({ id: z.string(), number: z.number().int(), status: approvalStatus, displayStatus }),
  })
  .meta({ id: 'LinkDecisionResult' });

/** A comment made with a link: public, by the link's person. */
export const linkComment = z
  .object({
    id: z.string(),
    author: z.object({ type: personType, id: z.string(), name: z.string().nullable() }),
    body: z.string(),
    internal: z.boolean(),
    createdAt: z.date(),
  })
  .meta({ id: 'LinkComment' });
