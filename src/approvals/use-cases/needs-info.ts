import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import type { Db } from '../../shared/db/connect.js';
import type { AppDeps } from '../../shared/http/types.js';
import type { WorkspaceSettings } from '../../workspaces/settings.js';
import * as core from '../core/index.js';
import type { Channel, PersonRef, Result, Transition } from '../core/types.js';
import type { StoredApproval } from '../repo.js';
import { commit, type Loaded, self, withLockedApproval } from '../service.js';
import { approvalSchema } from '../view-schema.js';

/**
 * "Needs information" (SPEC §8.1): an approver or an agent asks the requester
 * side a question; the requester, the on-behalf-of person or an agent answers.
 * Both texts are kept as comments of the approval, written in the transaction
 * of the status change with its activity and emails.
 */

/** A question or an answer: trimmed, so one of only spaces is empty (400); as long as a comment. */
export const infoText = z.string().trim().min(1).max(10_000);

export const askForInfoBody = z.strictObject({ question: infoText });
export const provideInfoBody = z.strictObject({ answer: infoText });
export const askForInfoResponse = approvalSchema.describe('The approval, waiting for information');
export const provideInfoResponse = approvalSchema.describe('The approval, back to pending');

/** The question or answer kept as a public comment of its author. */
async function insertTextComment(
  tx: Db,
  workspaceId: string,
  stored: StoredApproval,
  author: PersonRef,
  body: string,
): Promise<void> {
  await tx
    .insertInto('approval_comments')
    .values({
      workspace_id: workspaceId,
      id: randomUUID(),
      approval_id: stored.meta.id,
      author_type: author.type,
      author_id: author.id,
      body,
      internal: false,
    })
    .execute();
}

/** Writes a transition whose text is also kept as a (public) comment of `author` (links use it too). */
export async function commitWithComment(
  tx: Db,
  workspaceId: string,
  stored: StoredApproval,
  transition: Transition,
  author: PersonRef,
  body: string,
  channel: Channel,
  settings: WorkspaceSettings,
): Promise<StoredApproval> {
  const saved = await commit(tx, workspaceId, stored, transition, author, channel, settings);
  await insertTextComment(tx, workspaceId, stored, author, body);
  return saved;
}

/** Asks the core under the lock, and keeps `text` as a comment of the caller in the same transaction. */
function changeWithText(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  text: string,
  channel: Channel,
  transition: (loaded: Loaded) => Result<Transition>,
) {
  return withLockedApproval(
    deps,
    principal,
    approvalId,
    (loaded) => ({ transition: transition(loaded), channel }),
    {
      alsoWrite: (loaded, saved) =>
        insertTextComment(loaded.tx, principal.workspaceId, saved, self(principal), text),
    },
  );
}

/** POST /approvals/{id}/needs-info {question}. */
export function askForInfo(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  question: string,
  channel: Channel,
) {
  return changeWithText(deps, principal, approvalId, question, channel, (loaded) =>
    core.askForInfo(loaded.stored.state, loaded.actor, question, deps.now()),
  );
}

/** POST /approvals/{id}/info {answer}. */
export function provideInfo(
  deps: AppDeps,
  principal: Principal,
  approvalId: string,
  answer: string,
  channel: Channel,
) {
  return changeWithText(deps, principal, approvalId, answer, channel, (loaded) =>
    core.provideInfo(loaded.stored.state, loaded.actor, loaded.stored.meta.onBehalfOf, answer, deps.now()),
  );
}
