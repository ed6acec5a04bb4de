import type { z } from 'zod';
import type { MemberPrincipal } from '../../auth/principal.js';
import { assertPeopleExist } from '../../people/repo.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import type { bulkUpdateAnswer, bulkUpdateBody } from '../schemas.js';
import { updateTicket } from './update-ticket.js';

type Result = z.infer<typeof bulkUpdateAnswer>['results'][number];

/**
 * POST /tickets/bulk (members): each ticket in its own transaction through the single-ticket update
 * (PATCH /tickets/{id}: same rules, same activity line), one result per id in request order (SPEC §8.6).
 * A ticket that fails keeps its own status and code (`404 not_found`, `409 approval_pending`…) and the
 * others go on. What would fail for every ticket alike (an assignee who is no member of the workspace)
 * fails the request, `404` as in PATCH, before any ticket is touched.
 */
export async function bulkUpdateTickets(
  deps: Pick<AppDeps, 'db'>,
  member: MemberPrincipal,
  body: z.infer<typeof bulkUpdateBody>,
): Promise<z.infer<typeof bulkUpdateAnswer>> {
  const { set } = body;
  const assigneeId = set.assigneeId ? set.assigneeId.toLowerCase() : set.assigneeId;
  if (assigneeId) await assertPeopleExist(deps.db, member.workspaceId, [{ type: 'member', id: assigneeId }]);
  const patch = {
    ...(set.status !== undefined ? { status: set.status } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(set.priority !== undefined ? { priority: set.priority } : {}),
    ...(set.addTags !== undefined ? { addTags: set.addTags } : {}),
  };
  const results: Result[] = [];
  for (const id of body.ids) {
    try {
      await updateTicket(deps, member, id, patch);
      results.push({ id, ok: true, status: 200 });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ id, ok: false, status: error.status, code: error.code });
    }
  }
  return { results };
}
