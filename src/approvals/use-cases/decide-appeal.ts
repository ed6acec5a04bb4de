import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as core from '../core/index.js';
import type { Channel, Decision } from '../core/types.js';
import { self, withLockedApproval } from '../service.js';
import { approvalSchema } from '../view-schema.js';
import { decision, decisionComment } from './decide-approval.js';

/** POST /approvals/{id}/appeal/decisions: a reviewer decides a pending appeal (no internal comment here). */

export const decideAppealBody = z.strictObject({ decision, comment: decisionComment.optional() });

export const decideAppealResponse = approvalSchema.describe('The approval after the appeal decision');

export function decideAppeal(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  input: { decision: Decision; comment?: string | undefined },
  channel: Channel,
) {
  return withLockedApproval(deps, principal, approvalId, (loaded) => ({
    transition: core.decideAppeal(
      loaded.stored.state,
      self(principal),
      input.decision,
      input.comment ?? null,
      channel,
      deps.now(),
    ),
    channel,
  }));
}
