import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { problem } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as core from '../core/index.js';
import type { Channel, Decision } from '../core/types.js';
import type { StoredApproval } from '../repo.js';
import {
  assertMayWriteInternal,
  commitChange,
  contextForRemainingSteps,
  inLockedApproval,
  type Loaded,
  self,
  view,
} from '../service.js';
import { type ApprovalView, approvalView } from '../view.js';
import { approvalSchema } from '../view-schema.js';

/** POST /approvals/{id}/decisions: an approver of the current step approves or denies (SPEC rule 4). */

export const decision = z.enum(['approve', 'deny']);
export const decisionComment = z.string().trim().max(10_000);
/** SPEC §8.1: a decision's comment may be internal (members only). */
export const decideApprovalBody = z.strictObject({
  decision,
  comment: decisionComment.optional(),
  internal: z.boolean().optional(),
});
export const idempotencyKeyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });

export const decideApprovalResponse = approvalSchema.describe(
  'The approval after the decision (the first answer again for a replayed Idempotency-Key)',
);

function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * Not `withLockedApproval`: an Idempotency-Key is looked up under the lock
 * before the core is asked, and without one the answer is built after the
 * commit. The transition is still written by the shared `commitChange`.
 */
export async function decideApproval(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { decision: Decision; comment?: string | undefined; internal?: boolean | undefined },
  options: { idempotencyKey?: string | undefined; channel: Channel },
): Promise<ApprovalView> {
  const ws = principal.workspaceId;
  assertMayWriteInternal(principal, input.internal);
  type Outcome = { answer: ApprovalView } | { saved: StoredApproval; loaded: Loaded };
  const outcome = await inLockedApproval(deps, principal, approvalId, async (loaded): Promise<Outcome> => {
    const { tx, stored } = loaded;
    const key = options.idempotencyKey;
    const hash = requestHash({ approvalId: stored.meta.id, ...input });
    if (key) {
      // The approval's row lock serialises two requests with one key: the second sees the first's row.
      const previous = await tx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'response'])
        .where('workspace_id', '=', ws)
        .where('principal_type', '=', principal.type)
        .where('principal_id', '=', principal.id)
        .where('key', '=', key)
        .executeTakeFirst();
      if (previous) {
        if (previous.request_hash !== hash) {
          throw problem('idempotency_key_reused', 'This Idempotency-Key was used for another request');
        }
        // Read back from JSON: its dates are ISO strings, which the response schema accepts (`timestamp`).
        return { answer: previous.response as ApprovalView };
      }
    }
    const ctx = await contextForRemainingSteps(tx, ws, stored, loaded.settings);
    const saved = await commitChange(loaded, principal, {
      transition: core.decide(
        stored.state,
        self(principal),
        input.decision,
        input.comment ?? null,
        options.channel,
        ctx,
        deps.now(),
        { commentInternal: input.internal === true },
      ),
      channel: options.channel,
    });
    if (!key) return { saved, loaded };
    // The stored answer must be the one this transaction produced, so it is built under the lock.
    const result = await view(loaded, ws, saved);
    await tx
      .insertInto('idempotency_keys')
      .values({
        workspace_id: ws,
        principal_type: principal.type,
        principal_id: principal.id,
        key,
        request_hash: hash,
        status_code: 200,
        response: JSON.stringify(result),
      })
      .execute();
    return { answer: result };
  });
  if ('answer' in outcome) return outcome.answer;
  // Built after the commit: the approval's lock is not held while names are read and the answer is built,
  // which is what 200 approvers answering one step at once wait on.
  const { saved, loaded } = outcome;
  return approvalView(deps.db, ws, saved, loaded.actor, loaded.settings, { comments: loaded.comments });
}
