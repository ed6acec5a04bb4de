import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { inTransaction } from '../../shared/db/connect.js';
import { forbidden } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as core from '../core/index.js';
import type { Channel } from '../core/types.js';
import { assertMayWriteInternal, insertComment, openApproval, self } from '../service.js';
import { approvalComment } from '../view-schema.js';

/**
 * POST /approvals/{id}/comments: a comment on an approval (SPEC §8.1), emailed to those it concerns.
 * Comments are listed with the approval (`comments` of GET /approvals/{id}), as the caller may see them.
 */

export const addCommentBody = z.strictObject({
  body: z.string().trim().min(1).max(10_000),
  internal: z.boolean().optional(),
});

/** 201: the comment. */
export const addCommentResponse = approvalComment.describe('The new comment');

export async function addComment(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { body: string; internal: boolean },
  channel: Channel,
) {
  const ws = principal.workspaceId;
  assertMayWriteInternal(principal, input.internal);
  // No row lock: a comment changes nothing of the approval itself.
  return inTransaction(deps.db, async (tx) => {
    const { stored, actor, settings } = await openApproval(tx, principal, approvalId, {
      lock: false,
      comments: false,
    });
    if (!core.canComment(stored.state, actor)) {
      throw forbidden('not_an_approver', 'Only approvers of the current step and members can comment');
    }
    return insertComment(
      tx,
      ws,
      stored,
      { ...self(principal), name: principal.name },
      input,
      channel,
      settings,
    );
  });
}
