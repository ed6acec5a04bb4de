import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { approverRef } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as core from '../core/index.js';
import type { ApproverRef, Channel } from '../core/types.js';
import { assertRefsExist, normalizeRef } from '../refs.js';
import { resolutionContext, withLockedApproval } from '../service.js';
import { approvalSchema } from '../view-schema.js';

/** PATCH /approvals/{id}/recipients: a member adds or removes approvers of the current step (SPEC rule 7). */

export const editRecipientsBody = z.strictObject({
  add: z.array(approverRef).max(1000).optional(),
  remove: z.array(approverRef).max(1000).optional(),
});

export const editRecipientsResponse = approvalSchema.describe('The approval with its new recipients');

/** The body as the handler takes it: references normalised, and at least one change. */
export function editRecipientsInput(body: z.infer<typeof editRecipientsBody>) {
  const add = (body.add ?? []).map(normalizeRef);
  const remove = (body.remove ?? []).map(normalizeRef);
  if (add.length === 0 && remove.length === 0) throw invalid('body', 'must add or remove someone');
  return { add, remove };
}

export function editRecipients(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { add: ApproverRef[]; remove: ApproverRef[] },
  channel: Channel,
) {
  if (principal.type !== 'member') throw forbidden('members_only', 'Only members can edit recipients');
  const ws = principal.workspaceId;
  return withLockedApproval(deps, principal, approvalId, async (loaded) => {
    const { tx, stored } = loaded;
    if (core.recipientsLockedFor(stored.state, loaded.actor)) {
      throw forbidden('recipients_locked', 'Only admins may edit the recipients of this approval');
    }
    await assertRefsExist(tx, ws, [...input.add, ...input.remove]);
    const remaining = stored.state.steps.slice(stored.state.currentStepIndex + 1).flatMap((s) => s.approvers);
    const ctx = await resolutionContext(
      tx,
      ws,
      stored.meta.ticketId,
      [...input.add, ...input.remove, ...remaining],
      loaded.settings,
    );
    const add = core.resolveApprovers(input.add, ctx);
    const remove = core.resolveApprovers(input.remove, ctx);
    return { transition: core.editRecipients(stored.state, add, remove, ctx, deps.now()), channel };
  });
}
