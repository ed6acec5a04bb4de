import { enqueueAccountEmail } from '../../auth/accounts.js';
import { recordAudit } from '../../auth/audit.js';
import type { Db } from '../../shared/db/connect.js';
import { forbidden } from '../../shared/errors.js';
import type { PersonRef } from '../../shared/vocabulary.js';

/** Emails a member a link to set their password (7 days) and audits it, in the caller's transaction. */
export async function sendInvitation(
  tx: Db,
  workspaceId: string,
  member: PersonRef,
  actor: PersonRef,
): Promise<void> {
  await enqueueAccountEmail(tx, workspaceId, member, 'invitation', {});
  await recordAudit(tx, workspaceId, [{ kind: 'invitation_sent', actor, subject: member }]);
}

/**
 * `password` in a people PATCH is listed only to be refused with a clear problem: only the person
 * themselves sets their password (PATCH /me with the current one, or a reset or invitation link).
 */
export const passwordSelfService = () =>
  forbidden(
    'password_self_service',
    'Only the person themselves sets their password: PATCH /me with the current one, or a reset or invitation link',
  );
