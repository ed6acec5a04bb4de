import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import {
  decodeCursor,
  numberCursor,
  type Page,
  paginationQuery,
  toPage,
} from '../../shared/http/pagination.js';
import { id } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as repo from '../repo.js';
import { ticketPriority, ticketStatus, ticketTag, ticketView } from '../schemas.js';
import { approvalsHiddenFrom, withoutApprovalStatus } from './visibility.js';

/** GET /tickets: the tickets the principal may see, newest first. */

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

/**
 * SPEC §8.3. `q`: full-text search (subject, messages, requester name and email), ranked unless a `sort`
 * is given; `assigneeId`: a member id, `me` or `none`; `view`: one of the saved views (members only),
 * combined with the other filters; `sort` defaults to `created` (newest first), `order` to `desc`
 * (for priority: most urgent first).
 */
export const listTicketsQuery = z.strictObject({
  ...paginationQuery,
  q: z.string().trim().min(1).max(200).optional(),
  approvalStatus: approvalStatusFilter.optional(),
  status: ticketStatus.optional(),
  assigneeId: z.union([z.literal('me'), z.literal('none'), id]).optional(),
  priority: ticketPriority.optional(),
  tag: ticketTag.optional(),
  view: ticketView.optional(),
  sort: z.enum(['updated', 'created', 'priority']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

export async function listTickets(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  query: z.infer<typeof listTicketsQuery>,
): Promise<Page<repo.TicketView>> {
  const after = decodeCursor(query.cursor, numberCursor);
  // SPEC rule 2: with approvals hidden from contacts, every ticket has no approval status for them.
  const hidden = await approvalsHiddenFrom(db, principal);
  if (hidden && query.approvalStatus && query.approvalStatus !== 'none')
    return { items: [], nextCursor: null };
  const rows = await repo.listTickets(db, principal, {
    ...(query.approvalStatus && !hidden ? { approvalStatus: query.approvalStatus } : {}),
    ...(query.status ? { status: query.status } : {}),
    beforeNumber: after?.n ?? null,
    limit: query.limit,
  });
  const page = toPage(
    rows,
    query.limit,
    (r) => r,
    (r) => ({ n: r.number }),
  );
  const items = await repo.toTicketViews(db, principal.workspaceId, page.items);
  return { items: hidden ? items.map(withoutApprovalStatus) : items, nextCursor: page.nextCursor };
}
