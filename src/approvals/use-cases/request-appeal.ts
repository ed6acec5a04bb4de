import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { conflict } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import { findTicket } from '../../tickets/repo.js';
import * as core from '../core/index.js';
import type { Channel } from '../core/types.js';
import { resolutionContext, unwrap, withLockedApproval } from '../service.js';
import { approvalSchema } from '../view-schema.js';

/** POST /approvals/{id}/appeal: the requester side appeals a denial (SPEC §8.1). */

// Trimmed before the length check so a reason of only spaces is empty (SPEC §5).
export const requestAppealBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

export const requestAppealResponse = approvalSchema.describe('The approval, its appeal pending');

export function requestAppeal(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  reason: string,
  channel: Channel,
) {
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    const { tx, stored } = loaded;
    const ctx = await resolutionContext(tx, ws, stored.meta.ticketId, stored.state.appealReviewers);
    const reviewers = core.resolveApprovers(stored.state.appealReviewers, ctx);
    const transition = core.requestAppeal(
      stored.state,
      loaded.actor,
      reason,
      loaded.settings,
      reviewers,
      deps.now(),
    );
    // The core's refusal comes first, as before; then the ticket's lock, taken after the approval's.
    unwrap(transition);
    // An appeal makes the approval live again, and live approvals keep their ticket open (SPEC rule 10).
    const ticket = await findTicket(tx, ws, stored.meta.ticketId, true);
    if (ticket.status === 'solved' || ticket.status === 'closed') {
      throw conflict('ticket_closed', 'Reopen the ticket before appealing');
    }
    return { transition, channel };
  });
}
