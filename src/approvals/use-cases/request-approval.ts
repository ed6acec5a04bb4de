import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { assertPeopleExist } from '../../people/repo.js';
import { executeAsOne, inTransaction } from '../../shared/db/connect.js';
import { conflict, forbidden, invalid } from '../../shared/errors.js';
import { approverRef, id, personRef, rule } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import { findTicket } from '../../tickets/repo.js';
import { nextNumber, requireApprovalsEnabled } from '../../workspaces/repo.js';
import * as core from '../core/index.js';
import type {
  ApproverRef,
  Channel,
  PersonRef,
  Rule,
  StepDefinition,
  TemplateSwitches,
} from '../core/types.js';
import { effectStatements, effectsOf, writeEffects } from '../effects.js';
import { assertRefsExist, normalizeRef } from '../refs.js';
import {
  type ApprovalMeta,
  insertApproval,
  refreshTicketApprovalStatus,
  type StoredApproval,
} from '../repo.js';
import {
  actorOf,
  resolutionContext,
  self,
  templateForRequest,
  templateStartInput,
  unwrap,
} from '../service.js';
import { approvalView } from '../view.js';
import { approvalSchema } from '../view-schema.js';

/** POST /tickets/{id}/approvals: a member asks for an approval, from a template or ad hoc (SPEC §8.1). */

export const requestApprovalBody = z.strictObject({
  templateId: id.optional(),
  title: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(10_000).nullable().optional(),
  approvers: z.array(approverRef).min(1).max(1000).optional(),
  rule: rule.optional(),
  onBehalfOf: personRef.optional(),
  formData: z.record(z.string().max(200), z.unknown()).optional(),
});

/** 201: the new approval. */
export const requestApprovalResponse = approvalSchema.describe('The new approval, as the caller sees it');

/** What the handler is given: a template request, or an ad hoc one with its title and approvers. */
export type RequestApprovalInput = {
  templateId?: string;
  title?: string;
  description?: string | null;
  approvers?: ApproverRef[];
  rule?: Rule;
  onBehalfOf?: PersonRef;
  formData?: Record<string, unknown>;
};

/**
 * The body as the handler takes it: a template request names no approvers nor rule; an ad hoc one
 * needs a title and approvers. References are normalised (ids lower case).
 */
export function requestApprovalInput(body: z.infer<typeof requestApprovalBody>): RequestApprovalInput {
  if (body.templateId) {
    if (body.approvers || body.rule) throw invalid('body.approvers', 'cannot be combined with templateId');
  } else {
    if (!body.title) throw invalid('body.title', 'is required for an ad hoc request');
    if (!body.approvers) throw invalid('body.approvers', 'is required for an ad hoc request');
  }
  return {
    ...body,
    ...(body.approvers ? { approvers: body.approvers.map(normalizeRef) } : {}),
    ...(body.onBehalfOf ? { onBehalfOf: normalizeRef(body.onBehalfOf) } : {}),
  };
}

export async function requestApproval(
  deps: AppDeps,
  principal: Principal,
  ticketId: string,
  input: RequestApprovalInput,
  channel: Channel,
) {
  if (principal.type !== 'member') throw forbidden('members_only', 'Only members can request approvals');
  const ws = principal.workspaceId;
  return inTransaction(deps.db, async (tx) => {
    const settings = await requireApprovalsEnabled(tx, ws);
    const ticket = await findTicket(tx, ws, ticketId, true);
    if (ticket.status === 'solved' || ticket.status === 'closed') {
      throw conflict('ticket_closed', 'Reopen the ticket before requesting an approval');
    }
    let steps: StepDefinition[];
    let title: string;
    let description: string | null;
    let allowAppeals = false;
    let appealReviewers: ApproverRef[] = [];
    let expiresAt: Date | null = null;
    let templateId: string | null = null;
    let switches: TemplateSwitches | undefined;
    if (input.templateId) {
      const template = await templateForRequest(tx, ws, input.templateId);
      templateId = template.id;
      title = input.title ?? template.name;
      description = input.description ?? template.description;
      ({ steps, allowAppeals, appealReviewers, switches } = templateStartInput(template));
      if (template.expireAfterHours)
        expiresAt = new Date(deps.now().getTime() + template.expireAfterHours * 3600_000);
    } else {
      const approvers = input.approvers ?? [];
      await assertRefsExist(tx, ws, approvers);
      steps = [{ name: input.title!, approvers, rule: input.rule ?? { type: 'any' } }];
      title = input.title!;
      description = input.description ?? null;
    }
    if (input.onBehalfOf) await assertPeopleExist(tx, ws, [input.onBehalfOf]);
    // Every step's references: each is held to the cap as it resolves now (core/limits.ts); a first step
    // that resolves to nobody may wait or be skipped (SPEC §8.1).
    const ctx = await resolutionContext(
      tx,
      ws,
      ticket.id,
      steps.flatMap((s) => s.approvers),
      settings,
    );
    const now = deps.now();
    const started = unwrap(
      core.startApproval(
        {
          steps,
          requestedBy: principal.id,
          allowAppeals,
          appealReviewers,
          expiresAt,
          adHoc: templateId === null,
          ...(switches ? { switches } : {}),
          onBehalfOf: input.onBehalfOf ?? null,
        },
        ctx,
        now,
      ),
    );
    const meta: Omit<ApprovalMeta, 'createdAt' | 'updatedAt'> = {
      id: randomUUID(),
      number: await nextNumber(tx, ws, 'approval'),
      ticketId: ticket.id,
      templateId,
      title,
      description,
      onBehalfOf: input.onBehalfOf ?? null,
      formData: input.formData ?? null,
    };
    await insertApproval(tx, ws, meta, started.approval);
    const effects = effectsOf(started.events, {
      meta,
      approval: started.approval,
      actor: self(principal),
      channel,
      contactApprovalEmails: settings.contactApprovalEmails,
    });
    const effectsTogether = effectStatements(tx, ws, effects);
    if (effectsTogether) await executeAsOne(tx, effectsTogether);
    else await writeEffects(tx, ws, effects);
    // findTicket(…, true) above took the ticket's row lock.
    await refreshTicketApprovalStatus(tx, ws, ticket.id, { locked: true });
    const stored: StoredApproval = {
      meta: { ...meta, createdAt: now, updatedAt: now },
      state: started.approval,
    };
    // A new approval has no comments yet.
    return approvalView(tx, ws, stored, await actorOf(tx, principal, ticket.id), settings, {
      comments: { includeInternal: principal.type === 'member', rows: [] },
    });
  });
}
