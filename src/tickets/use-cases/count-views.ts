import type { z } from 'zod';
import type { MemberPrincipal } from '../../auth/principal.js';
import type { AppDeps } from '../../shared/http/types.js';
import { getSettings } from '../../workspaces/repo.js';
import * as repo from '../repo.js';
import { ticketView, type ticketViewCounts } from '../schemas.js';

/**
 * GET /tickets/views (members): how many tickets each saved view holds, in one statement. With the
 * approvals module off, the two approval views hold nothing (SPEC rule 1: approvals are out of sight).
 */
export async function countTicketViews(
  { db }: Pick<AppDeps, 'db'>,
  member: MemberPrincipal,
): Promise<z.infer<typeof ticketViewCounts>> {
  const approvalsOn = (await getSettings(db, member.workspaceId)).approvalsEnabled;
  const counts = await repo.countViews(db, member.workspaceId, member.id, approvalsOn);
  return { views: ticketView.options.map((id) => ({ id, count: Number(counts[id]) })) };
}
