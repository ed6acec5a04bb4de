import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../auth/authenticate.js';
import { channelOf } from '../auth/principal.js';
import { idParams } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { normalizeRef } from './refs.js';
import { cancelApproval, cancelApprovalResponse } from './use-cases/cancel-approval.js';
import { addComment, addCommentBody, addCommentResponse } from './use-cases/comment.js';
import { decideAppeal, decideAppealBody, decideAppealResponse } from './use-cases/decide-appeal.js';
import {
  decideApproval,
  decideApprovalBody,
  decideApprovalResponse,
  idempotencyKeyHeaders,
} from './use-cases/decide-approval.js';
import {
  editRecipients,
  editRecipientsBody,
  editRecipientsInput,
  editRecipientsResponse,
} from './use-cases/edit-recipients.js';
import {
  askForInfo,
  askForInfoBody,
  askForInfoResponse,
  provideInfo,
  provideInfoBody,
  provideInfoResponse,
} from './use-cases/needs-info.js';
import {
  approvalTasks,
  approvalTasksQuery,
  approvalTasksResponse,
  getApproval,
  getApprovalResponse,
  ticketApprovals,
  ticketApprovalsQuery,
  ticketApprovalsResponse,
} from './use-cases/read-approvals.js';
import { remind, remindBody, remindResponse } from './use-cases/remind.js';
import { requestAppeal, requestAppealBody, requestAppealResponse } from './use-cases/request-appeal.js';
import {
  requestApproval,
  requestApprovalBody,
  requestApprovalInput,
  requestApprovalResponse,
} from './use-cases/request-approval.js';

/**
 * The approvals API: each route names its use case's body and response schemas
 * (use-cases/*.ts). Responses go through the response schema (serialised by
 * it, and described by it in the OpenAPI document).
 */

const channel = (request: FastifyRequest) =>
  channelOf(requirePrincipal(request), request.authMethod ?? 'bearer');

export function approvalRoutes(app: Api, deps: AppDeps): void {
  const tags = ['approvals'];

  app.post(
    '/tickets/:id/approvals',
    {
      schema: {
        tags,
        params: idParams,
        body: requestApprovalBody,
        response: { 201: requestApprovalResponse },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const input = requestApprovalInput(request.body);
      const approval = await requestApproval(deps, p, request.params.id, input, channel(request));
      return reply.code(201).send(approval);
    },
  );

  app.get(
    '/tickets/:id/approvals',
    {
      schema: {
        tags,
        params: idParams,
        querystring: ticketApprovalsQuery,
        response: { 200: ticketApprovalsResponse },
      },
    },
    async (request) => ticketApprovals(deps, requirePrincipal(request), request.params.id, request.query),
  );

  app.get(
    '/approvals/:id',
    { schema: { tags, params: idParams, response: { 200: getApprovalResponse } } },
    async (request) => getApproval(deps, requirePrincipal(request), request.params.id),
  );

  app.post(
    '/approvals/:id/decisions',
    {
      schema: {
        tags,
        params: idParams,
        body: decideApprovalBody,
        headers: idempotencyKeyHeaders,
        response: { 200: decideApprovalResponse },
      },
    },
    async (request) =>
      decideApproval(deps, requirePrincipal(request), request.params.id, request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        channel: channel(request),
      }),
  );

  app.post(
    '/approvals/:id/comments',
    { schema: { tags, params: idParams, body: addCommentBody, response: { 201: addCommentResponse } } },
    async (request, reply) => {
      const result = await addComment(
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
    {
      schema: { tags, params: idParams, body: editRecipientsBody, response: { 200: editRecipientsResponse } },
    },
    async (request) =>
      editRecipients(
        deps,
        requirePrincipal(request),
        request.params.id,
        editRecipientsInput(request.body),
        channel(request),
      ),
  );

  app.post(
    '/approvals/:id/reminders',
    { schema: { tags, params: idParams, body: remindBody, response: { 200: remindResponse } } },
    async (request) => {
      const target = request.body?.approver ? normalizeRef(request.body.approver) : null;
      return remind(deps, requirePrincipal(request), request.params.id, target, channel(request));
    },
  );

  app.post(
    '/approvals/:id/cancel',
    { schema: { tags, params: idParams, response: { 200: cancelApprovalResponse } } },
    async (request) => cancelApproval(deps, requirePrincipal(request), request.params.id, channel(request)),
  );

  app.post(
    '/approvals/:id/appeal',
    { schema: { tags, params: idParams, body: requestAppealBody, response: { 200: requestAppealResponse } } },
    async (request) =>
      requestAppeal(
        deps,
        requirePrincipal(request),
        request.params.id,
        request.body.reason,
        channel(request),
      ),
  );

  app.post(
    '/approvals/:id/appeal/decisions',
    { schema: { tags, params: idParams, body: decideAppealBody, response: { 200: decideAppealResponse } } },
    async (request) =>
      decideAppeal(deps, requirePrincipal(request), request.params.id, request.body, channel(request)),
  );

  app.post(
    '/approvals/:id/needs-info',
    { schema: { tags, params: idParams, body: askForInfoBody, response: { 200: askForInfoResponse } } },
    async (request) =>
      askForInfo(deps, requirePrincipal(request), request.params.id, request.body.question, channel(request)),
  );

  app.post(
    '/approvals/:id/info',
    { schema: { tags, params: idParams, body: provideInfoBody, response: { 200: provideInfoResponse } } },
    async (request) =>
      provideInfo(deps, requirePrincipal(request), request.params.id, request.body.answer, channel(request)),
  );

  app.get(
    '/me/approval-tasks',
    { schema: { tags, querystring: approvalTasksQuery, response: { 200: approvalTasksResponse } } },
    async (request) => approvalTasks(deps, requirePrincipal(request), request.query.limit),
  );
}
