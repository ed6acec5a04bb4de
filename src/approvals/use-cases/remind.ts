import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { assertPeopleExist } from '../../people/repo.js';
import { forbidden } from '../../shared/errors.js';
import { personRef } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as core from '../core/index.js';
import type { Channel, PersonRef } from '../core/types.js';
import { withLockedApproval } from '../service.js';
import { approvalSchema } from '../view-schema.js';

/** POST /approvals/{id}/reminders: a member reminds one approver, or all who have not answered (SPEC §4). */

export const remindBody = z.strictObject({ approver: personRef.optional() }).optional();

export const remindResponse = approvalSchema.describe('The approval; the reminders are queued');

export function remind(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  target: PersonRef | null,
  channel: Channel,
) {
  if (principal.type !== 'member') throw forbidden('members_only', 'Only members can send reminders');
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    // A person of another workspace (or nobody) is 404, like any reference in a body.
    if (target) await assertPeopleExist(loaded.tx, ws, [target]);
    return { transition: core.remind(loaded.stored.state, target, deps.now()), channel };
  });
}
