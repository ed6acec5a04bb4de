import { z } from 'zod';
import { memberOnly } from '../../auth/authenticate.js';
import type { Principal } from '../../auth/principal.js';
import { invalid } from '../../shared/errors.js';
import { decodeCursor, type Page, paginationQuery, toPage } from '../../shared/http/pagination.js';
import { id } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import { getSettings } from '../../workspaces/repo.js';
import * as repo from '../repo.js';
import { ticketPriority, ticketStatus, ticketTag, ticketView } from '../schemas.js';
import { approvalsHiddenFrom, withoutApprovalStatus } from './visibility.js';

/** GET /tickets: the tickets the principal may see, found, filtered and sorted (SPEC §8.3). */

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

const sortKey = z.strictObject({
  n: z.number().int().min(0).max(2_147_483_647),
  u: z
    .string()
    .regex(/^-?\d{1,19}$/)
    .optional(),
  p: z.number().int().min(0).max(3).optional(),
  r: z.number().min(0).max(1e9).optional(),
});

/** The key a cursor of this sort must carry (a cursor of another sort is `400`). */
const keysOf: Record<repo.TicketSort, (k: z.infer<typeof sortKey>) => boolean> = {
  created: (k) => k.u === undefined && k.p === undefined && k.r === undefined,
  updated: (k) => k.u !== undefined && k.p === undefined && k.r === undefined,
  priority: (k) => k.p !== undefined && k.u === undefined && k.r === undefined,
  rank: (k) => k.r !== undefined && k.u === undefined && k.p === undefined,
};

export async function listTickets(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  query: z.infer<typeof listTicketsQuery>,
): Promise<Page<repo.TicketView>> {
  // SPEC §8.3: ranked when searching, unless a sort is asked for; else newest first.
  const sort: repo.TicketSort = query.sort ?? (query.q !== undefined ? 'rank' : 'created');
  const after = decodeCursor(query.cursor, sortKey);
  if (after && !keysOf[sort](after)) throw invalid('query.cursor', 'belongs to another sort');
  // The saved views are the members' (the web app's agent pages).
  if (query.view && principal.type !== 'member') memberOnly(principal);
  // SPEC rule 2: with approvals hidden from contacts, every ticket has no approval status for them.
  const hidden = await approvalsHiddenFrom(db, principal);
  if (hidden && query.approvalStatus && query.approvalStatus !== 'none')
    return { items: [], nextCursor: null };
  const assigneeId =
    query.assigneeId === undefined
      ? undefined
      : query.assigneeId === 'none'
        ? null
        : query.assigneeId === 'me'
          ? principal.id
          : query.assigneeId.toLowerCase();
  const approvalsOn = query.view ? (await getSettings(db, principal.workspaceId)).approvalsEnabled : false;
  const rows = await repo.listTickets(db, principal, {
    ...(query.approvalStatus && !hidden ? { approvalStatus: query.approvalStatus } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(query.priority ? { priority: query.priority } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    ...(query.view ? { view: { name: query.view, memberId: principal.id, approvalsOn } } : {}),
    ...(query.q !== undefined ? { q: query.q } : {}),
    sort,
    order: query.order ?? 'desc',
    after,
    limit: query.limit,
  });
  const page = toPage(
    rows,
    query.limit,
    (r) => r,
    (r) => repo.sortKeyOf(r, sort),
  );
  const items = await repo.toTicketViews(db, principal.workspaceId, page.items);
  return { items: hidden ? items.map(withoutApprovalStatus) : items, nextCursor: page.nextCursor };
}
