import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { channelOf } from '../auth/principal.js';
import { invalid } from '../shared/errors.js';
import { decodeCursor, numberCursor, paginationQuery, toPage } from '../shared/http/pagination.js';
import { approverRef, id, idParams, personRef, rule } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { contactHasTicketAccess, visibleTicket } from '../tickets/repo.js';
import { requireApprovalsEnabled } from '../workspaces/repo.js';
import * as core from './core/index.js';
import { approvalTasks, ticketApprovalIds, toTask } from './queries.js';
import { normalizeRef } from './refs.js';
import { loadApprovals } from './repo.js';
import * as service from './service.js';
import * as needsInfo from './use-cases/needs-info.js';
import { infoText } from './use-cases/needs-info.js';
import { approvalViews } from './view.js';

const title = z.string().trim().min(1).max(200);
const description = z.string().max(10_000);
const comment = z.string().trim().max(10_000);
const decision = z.enum(['approve', 'deny']);

const requestBody = z.strictObject({
  templateId: id.optional(),
  title: title.optional(),
  description: description.nullable().optional(),
  approvers: z.array(approverRef).min(1).max(1000).optional(),
  rule: rule.optional(),
  onBehalfOf: personRef.optional(),
  formData: z.record(z.string().max(200), z.unknown()).optional(),
});
const decisionBody = z.strictObject({ decision, comment: comment.optional() });
/** SPEC §8.1: a decision's comment may be internal (members only). Appeal decisions keep `decisionBody`. */
const approvalDecisionBody = decisionBody.extend({ internal: z.boolean().optional() });
const commentBody = z.strictObject({
  body: z.string().trim().min(1).max(10_000),
  internal: z.boolean().optional(),
});
const recipientsBody = z.strictObject({
  add: z.array(approverRef).max(1000).optional(),
  remove: z.array(approverRef).max(1000).optional(),
});
const reminderBody = z.strictObject({ approver: personRef.optional() }).optional();
// Trimmed before the length check so a reason of only spaces is empty (SPEC §5).
const appealBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
const needsInfoBody = z.strictObject({ question: infoText });
const infoBody = z.strictObject({ answer: infoText });
const tasksQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
const idempotencyKey = z.string().min(1).max(200).optional();

const channel = (request: FastifyRequest) =>
  channelOf(requirePrincipal(request), request.authMethod ?? 'bearer');

export function approvalRoutes(app: Api, deps: AppDeps): void {
  const tags = ['approvals'];
  const { db } = deps;

  app.post(
    '/tickets/:id/approvals',
    { schema: { tags, params: idParams, body: requestBody } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const b = request.body;
      if (b.templateId) {
        if (b.approvers || b.rule) throw invalid('body.approvers', 'cannot be combined with templateId');
      } else {
        if (!b.title) throw invalid('body.title', 'is required for an ad hoc request');
        if (!b.approvers) throw invalid('body.approvers', 'is required for an ad hoc request');
      }
      const approval = await service.requestApproval(
        deps,
        p,
        request.params.id,
        {
          ...b,
          ...(b.approvers ? { approvers: b.approvers.map(normalizeRef) } : {}),
          ...(b.onBehalfOf ? { onBehalfOf: normalizeRef(b.onBehalfOf) } : {}),
        },
        channel(request),
      );
      return reply.code(201).send(approval);
    },
  );

  app.get(
    '/tickets/:id/approvals',
    { schema: { tags, params: idParams, querystring: z.strictObject(paginationQuery) } },
    async (request) => {
      const p = requirePrincipal(request);
      const settings = await requireApprovalsEnabled(db, p.workspaceId);
      const ticket = await visibleTicket(db, p, request.params.id);
      // With contactsCanViewApprovals off a contact still sees those they are named on (canSee, SPEC §8.6).
      const after = decodeCursor(request.query.cursor, numberCursor);
      const rows = await ticketApprovalIds(
        db,
        p.workspaceId,
        ticket.id,
        after?.n ?? null,
        request.query.limit,
      );
      const page = toPage(
        rows,
        request.query.limit,
        (r) => r.id,
        (r) => ({ n: r.number }),
      );
      const stored = await loadApprovals(db, p.workspaceId, page.items);
      const actor: core.Actor =
        p.type === 'member'
          ? { type: 'member', id: p.id, role: p.role }
          : {
              type: 'contact',
              id: p.id,
              hasTicketAccess: await contactHasTicketAccess(db, p.workspaceId, ticket.id, p.id),
            };
      const visible = stored.filter((s) => core.canSee(s.state, actor, settings));
      const items = await approvalViews(db, p.workspaceId, visible, actor, settings);
      return { items, nextCursor: page.nextCursor };
    },
  );

  app.get('/approvals/:id', { schema: { tags, params: idParams } }, async (request) =>
    service.getApproval(deps, requirePrincipal(request), request.params.id),
  );

  app.post(
    '/approvals/:id/decisions',
    {
      schema: {
        tags,
        params: idParams,
        body: approvalDecisionBody,
        headers: z.object({ 'idempotency-key': idempotencyKey }),
      },
    },
    async (request) =>
      service.decideApproval(deps, requirePrincipal(request), request.params.id, request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        channel: channel(request),
      }),
  );

  app.post(
    '/approvals/:id/comments',
    { schema: { tags, params: idParams, body: commentBody } },
    async (request, reply) => {
      const result = await service.addComment(
        deps,
        requirePrincipal(request),
        request.params.id,
        { body: request.body.body, internal: request.body.internal ?? false },
        channel(request),
      );
      return reply.code(201).send(result);
    },
  );

  app.patch(
    '/approvals/:id/recipients',
    { schema: { tags, params: idParams, body: recipientsBody } },
    async (request) => {
      const add = (request.body.add ?? []).map(normalizeRef);
      const remove = (request.body.remove ?? []).map(normalizeRef);
      if (add.length === 0 && remove.length === 0) throw invalid('body', 'must add or remove someone');
      return service.editRecipients(
        deps,
        requirePrincipal(request),
        request.params.id,
        { add, remove },
        channel(request),
      );
    },
  );

  app.post(
    '/approvals/:id/reminders',
    { schema: { tags, params: idParams, body: reminderBody } },
    async (request) => {
      const target = request.body?.approver ? normalizeRef(request.body.approver) : null;
      return service.remind(deps, requirePrincipal(request), request.params.id, target, channel(request));
    },
  );

  app.post('/approvals/:id/cancel', { schema: { tags, params: idParams } }, async (request) =>
    service.cancelApproval(deps, requirePrincipal(request), request.params.id, channel(request)),
  );

  app.post(
    '/approvals/:id/appeal',
    { schema: { tags, params: idParams, body: appealBody } },
    async (request) =>
      service.requestAppeal(
        deps,
        requirePrincipal(request),
        request.params.id,
        request.body.reason,
        channel(request),
      ),
  );

  app.post(
    '/approvals/:id/appeal/decisions',
    { schema: { tags, params: idParams, body: decisionBody } },
    async (request) =>
      service.decideAppeal(
        deps,
        requirePrincipal(request),
        request.params.id,
        request.body,
        channel(request),
      ),
  );

  app.post(
    '/approvals/:id/needs-info',
    { schema: { tags, params: idParams, body: needsInfoBody } },
    async (request) =>
      needsInfo.askForInfo(
        deps,
        requirePrincipal(request),
        request.params.id,
        request.body.question,
        channel(request),
      ),
  );

  app.post('/approvals/:id/info', { schema: { tags, params: idParams, body: infoBody } }, async (request) =>
    needsInfo.provideInfo(
      deps,
      requirePrincipal(request),
      request.params.id,
      request.body.answer,
      channel(request),
    ),
  );

  app.get('/me/approval-tasks', { schema: { tags, querystring: tasksQuery } }, async (request) => {
    const p = requirePrincipal(request);
    // A contact is awaited only where they are named, and those they see whatever
    // contactsCanViewApprovals says (SPEC §8.6): their portal lists them.
    await requireApprovalsEnabled(db, p.workspaceId);
    const { awaiting, requested } = await approvalTasks(db, p, request.query.limit);
    return { awaitingMe: awaiting.map(toTask), requestedByMe: requested.map(toTask) };
  });
}
