import { z } from 'zod';
import { requireMember, requirePrincipal } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { loadPeople, personKey } from '../people/repo.js';
import { forbidden, invalid } from '../shared/errors.js';
import { decodeCursor, numberCursor, paginationQuery, seqCursor, toPage } from '../shared/http/pagination.js';
import { id, idParams } from '../shared/http/schemas.js';
import type { Api, AppDeps } from '../shared/http/types.js';
import { getSettings } from '../workspaces/repo.js';
import { listActivity } from './activity.js';
import * as repo from './repo.js';

const ticketStatus = z.enum(['open', 'pending', 'on_hold', 'solved', 'closed']);
/** SPEC §8.6: a ticket's approval status, `unfinished` (any unfinished approval) or `none`. */
const approvalStatusFilter = z.enum([
  'needs_info',
  'appeal_pending',
  'partially_approved',
  'pending',
  'approved',
  'denied',
  'expired',
  'unfinished',
  'none',
]);

const createBody = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(10_000),
  requesterId: id.optional(),
  contactIds: z.array(id).max(100).optional(),
  assigneeId: id.nullable().optional(),
});
const patchBody = z.strictObject({
  status: ticketStatus.optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  assigneeId: id.nullable().optional(),
});
const messageBody = z.strictObject({
  body: z.string().trim().min(1).max(10_000),
  public: z.boolean(),
});
/** Messages embedded in GET /tickets/{id}: the first page of GET /tickets/{id}/messages. */
const TICKET_MESSAGES = 50;

const listQuery = z.strictObject({
  ...paginationQuery,
  approvalStatus: approvalStatusFilter.optional(),
  status: ticketStatus.optional(),
});
/** A decision whose comment is internal keeps its activity line for contacts, without the comment (SPEC §8.1). */
function withoutInternalComment(data: unknown): unknown {
  if (!data || typeof data !== 'object' || !(data as { commentInternal?: unknown }).commentInternal)
    return data;
  const { comment: _comment, ...rest } = data as Record<string, unknown>;
  return rest;
}

export function ticketRoutes(app: Api, { db }: AppDeps): void {
  const approvalsHiddenFrom = async (p: Principal) =>
    p.type === 'contact' && !(await getSettings(db, p.workspaceId)).contactsCanViewApprovals;
  const withoutApprovalStatus = <T extends repo.TicketView>(t: T): T => ({
    ...t,
    approvalStatus: null,
    approvalCounts: { unfinished: 0, total: 0 },
  });

  app.post('/tickets', { schema: { tags: ['tickets'], body: createBody } }, async (request, reply) => {
    const p = requirePrincipal(request);
    const b = request.body;
    let requesterId: string;
    let contactIds = b.contactIds ?? [];
    let assigneeId = b.assigneeId ?? null;
    if (p.type === 'contact') {
      // A contact opens tickets for themselves only.
      if (b.requesterId && b.requesterId.toLowerCase() !== p.id)
        throw forbidden('not_allowed', 'Contacts open tickets for themselves');
      requesterId = p.id;
      contactIds = [];
      assigneeId = null;
    } else {
      if (!b.requesterId) throw invalid('body.requesterId', 'is required');
      requesterId = b.requesterId.toLowerCase();
    }
    const ticket = await repo.createTicket(db, { type: p.type, id: p.id }, p.workspaceId, {
      subject: b.subject,
      body: b.body,
      requesterId,
      contactIds,
      assigneeId: assigneeId?.toLowerCase() ?? null,
    });
    return reply.code(201).send(ticket);
  });

  app.get('/tickets', { schema: { tags: ['tickets'], querystring: listQuery } }, async (request) => {
    const p = requirePrincipal(request);
    const q = request.query;
    const after = decodeCursor(q.cursor, numberCursor);
    // SPEC rule 2: with approvals hidden from contacts, every ticket has no approval status for them.
    const hidden = await approvalsHiddenFrom(p);
    if (hidden && q.approvalStatus && q.approvalStatus !== 'none') return { items: [], nextCursor: null };
    const rows = await repo.listTickets(db, p, {
      ...(q.approvalStatus && !hidden ? { approvalStatus: q.approvalStatus } : {}),
      ...(q.status ? { status: q.status } : {}),
      beforeNumber: after?.n ?? null,
      limit: q.limit,
    });
    const page = toPage(
      rows,
      q.limit,
      (r) => r,
      (r) => ({ n: r.number }),
    );
    const items = await repo.toTicketViews(db, p.workspaceId, page.items);
    return { items: hidden ? items.map(withoutApprovalStatus) : items, nextCursor: page.nextCursor };
  });

  /** A page of a ticket's messages as the principal may see them, newest first, with their authors' names. */
  async function messagePage(p: Principal, ticketId: string, query: { cursor?: string; limit: number }) {
    const before = decodeCursor(query.cursor, seqCursor);
    const rows = await repo.listMessages(db, p.workspaceId, ticketId, {
      publicOnly: p.type === 'contact',
      beforeSeq: before?.s ?? null,
      limit: query.limit + 1,
    });
    const people = await loadPeople(
      db,
      p.workspaceId,
      rows.map((m) => m.author),
    );
    return toPage(
      rows,
      query.limit,
      ({ seq: _seq, ...m }) => ({
        ...m,
        author: { ...m.author, name: people.get(personKey(m.author))?.name ?? null },
      }),
      (m) => ({ s: m.seq }),
    );
  }

  app.get('/tickets/:id', { schema: { tags: ['tickets'], params: idParams } }, async (request) => {
    const p = requirePrincipal(request);
    const row = await repo.visibleTicket(db, p, request.params.id);
    const [ticketView] = await repo.toTicketViews(db, p.workspaceId, [row]);
    const view = (await approvalsHiddenFrom(p)) ? withoutApprovalStatus(ticketView!) : ticketView;
    // The newest messages, oldest of them first as a conversation reads; older ones are paged through
    // GET /tickets/{id}/messages from `messagesNextCursor` (no hidden cap).
    const page = await messagePage(p, row.id, { limit: TICKET_MESSAGES });
    return { ...view, messages: page.items.reverse(), messagesNextCursor: page.nextCursor };
  });

  app.get(
    '/tickets/:id/messages',
    { schema: { tags: ['tickets'], params: idParams, querystring: z.strictObject(paginationQuery) } },
    async (request) => {
      const p = requirePrincipal(request);
      const ticket = await repo.visibleTicket(db, p, request.params.id);
      return messagePage(p, ticket.id, request.query);
    },
  );

  app.patch(
    '/tickets/:id',
    { schema: { tags: ['tickets'], params: idParams, body: patchBody } },
    async (request) => {
      const m = requireMember(request);
      return repo.updateTicket(db, { type: 'member', id: m.id }, m.workspaceId, request.params.id, {
        ...request.body,
        ...(request.body.assigneeId ? { assigneeId: request.body.assigneeId.toLowerCase() } : {}),
      });
    },
  );

  app.post(
    '/tickets/:id/messages',
    { schema: { tags: ['tickets'], params: idParams, body: messageBody } },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const ticket = await repo.visibleTicket(db, p, request.params.id);
      if (p.type === 'contact' && !request.body.public) {
        throw forbidden('not_allowed', 'Contacts can only post public messages');
      }
      const message = await repo.addMessage(
        db,
        { type: p.type, id: p.id },
        p.workspaceId,
        ticket.id,
        request.body,
      );
      return reply.code(201).send(message);
    },
  );

  app.get(
    '/tickets/:id/activity',
    { schema: { tags: ['tickets'], params: idParams, querystring: z.strictObject(paginationQuery) } },
    async (request) => {
      const p = requirePrincipal(request);
      const ticket = await repo.visibleTicket(db, p, request.params.id);
      const after = decodeCursor(request.query.cursor, seqCursor);
      const forContact =
        p.type === 'contact'
          ? { approvalsVisible: (await getSettings(db, p.workspaceId)).contactsCanViewApprovals }
          : null;
      const rows = await listActivity(db, p.workspaceId, ticket.id, {
        afterSeq: after?.s ?? null,
        limit: request.query.limit,
        forContact,
      });
      const actors = rows.flatMap((r) =>
        r.actor_type && r.actor_id ? [{ type: r.actor_type, id: r.actor_id }] : [],
      );
      const people = await loadPeople(db, p.workspaceId, actors);
      return toPage(
        rows,
        request.query.limit,
        (r) => ({
          id: r.id,
          type: r.type,
          approvalId: r.approval_id,
          actor:
            r.actor_type && r.actor_id
              ? {
                  type: r.actor_type,
                  id: r.actor_id,
                  name: people.get(`${r.actor_type}:${r.actor_id}`)?.name ?? null,
                }
              : null,
          channel: r.channel,
          data: p.type === 'contact' ? withoutInternalComment(r.data) : r.data,
          createdAt: r.created_at,
        }),
        (r) => ({ s: r.seq }),
      );
    },
  );
}
