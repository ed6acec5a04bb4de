import { z } from 'zod';
import { requireMember, requirePrincipal } from '../auth/authenticate.js';
import { paginationQuery } from '../shared/http/pagination.js';
import { idParams } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import {
  activityPage,
  bulkUpdateAnswer,
  bulkUpdateBody,
  ticket,
  ticketMessage,
  ticketMessagePage,
  ticketPage,
  ticketViewCounts,
  ticketWithMessages,
} from './schemas.js';
import { addMessage, addMessageBody } from './use-cases/add-message.js';
import { bulkUpdateTickets } from './use-cases/bulk-update.js';
import { countTicketViews } from './use-cases/count-views.js';
import { createTicket, createTicketBody } from './use-cases/create-ticket.js';
import {
  attachmentContent,
  attachmentParams,
  contentDisposition,
  downloadAttachment,
  safeContentType,
} from './use-cases/download-attachment.js';
import { getTicket } from './use-cases/get-ticket.js';
import { listActivity } from './use-cases/list-activity.js';
import { listMessages } from './use-cases/list-messages.js';
import { listTickets, listTicketsQuery } from './use-cases/list-tickets.js';
import { updateTicket, updateTicketBody } from './use-cases/update-ticket.js';

/**
 * The ticket routes: who is calling, then the use case (tickets/use-cases), which holds the rules.
 * Approvals of a ticket are served by approvals/routes.ts.
 */
export function ticketRoutes(app: Api, deps: AppDeps): void {
  const tags = ['tickets'];
  const pageQuery = z.strictObject(paginationQuery);

  app.post(
    '/tickets',
    { schema: { tags, body: createTicketBody, response: { 201: ticket } } },
    async (request, reply) =>
      reply.code(201).send(await createTicket(deps, requirePrincipal(request), request.body)),
  );

  app.get(
    '/tickets',
    { schema: { tags, querystring: listTicketsQuery, response: { 200: ticketPage } } },
    async (request) => listTickets(deps, requirePrincipal(request), request.query),
  );

  app.get(
    '/tickets/views',
    {
      schema: {
        tags,
        summary: 'How many tickets each saved view holds (members)',
        response: { 200: ticketViewCounts },
      },
    },
    async (request) => countTicketViews(deps, requireMember(request)),
  );

  app.post(
    '/tickets/bulk',
    {
      schema: {
        tags,
        summary: 'The same change to many tickets, one result per ticket (members)',
        body: bulkUpdateBody,
        response: { 200: bulkUpdateAnswer },
      },
    },
    async (request) => bulkUpdateTickets(deps, requireMember(request), request.body),
  );

  app.get(
    '/tickets/:id',
    { schema: { tags, params: idParams, response: { 200: ticketWithMessages } } },
    async (request) => getTicket(deps, requirePrincipal(request), request.params.id),
  );

  app.get(
    '/tickets/:id/messages',
    { schema: { tags, params: idParams, querystring: pageQuery, response: { 200: ticketMessagePage } } },
    async (request) => listMessages(deps, requirePrincipal(request), request.params.id, request.query),
  );

  app.patch(
    '/tickets/:id',
    { schema: { tags, params: idParams, body: updateTicketBody, response: { 200: ticket } } },
    async (request) => updateTicket(deps, requireMember(request), request.params.id, request.body),
  );

  app.post(
    '/tickets/:id/messages',
    { schema: { tags, params: idParams, body: addMessageBody, response: { 201: ticketMessage } } },
    async (request, reply) =>
      reply
        .code(201)
        .send(await addMessage(deps, requirePrincipal(request), request.params.id, request.body)),
  );

  app.get(
    '/tickets/:id/activity',
    { schema: { tags, params: idParams, querystring: pageQuery, response: { 200: activityPage } } },
    async (request) => listActivity(deps, requirePrincipal(request), request.params.id, request.query),
  );

  app.get(
    '/tickets/:id/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary: 'Download a file of a message (whoever may see the message)',
        params: attachmentParams,
        // The bytes under their own type: the document lists the answer as a binary download.
        produces: ['application/octet-stream'],
        response: { 200: attachmentContent },
      },
    },
    async (request, reply) => {
      const file = await downloadAttachment(
        deps,
        requirePrincipal(request),
        request.params.id,
        request.params.attachmentId,
      );
      return reply
        .type(safeContentType(file.contentType))
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.content);
    },
  );
}
