import type { Principal } from '../../auth/principal.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as core from '../core/index.js';
import type { Channel } from '../core/types.js';
import { withLockedApproval } from '../service.js';
import { approvalSchema } from '../view-schema.js';

/** POST /approvals/{id}/cancel: the requester or a member cancels a live approval (SPEC rule 7). No body. */

export const cancelApprovalResponse = approvalSchema.describe('The canceled approval');

export function cancelApproval(deps: AppDeps, principal: Principal, approvalId: string, channel: Channel) {
  return withLockedApproval(deps, principal, approvalId, (loaded) => ({
    transition: core.cancel(loaded.stored.state, loaded.actor, deps.now()),
    channel,
  }));
}
