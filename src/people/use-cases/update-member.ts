import { z } from 'zod';
import { type AuditEvent, recordAudit } from '../../auth/audit.js';
import { adminOnly } from '../../auth/authenticate.js';
import { endSessions } from '../../auth/sessions.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { type Db, inTransaction } from '../../shared/db/connect.js';
import { conflict } from '../../shared/errors.js';
import { idParams, locale, personName } from '../../shared/http/schemas.js';
import type { PersonRef } from '../../shared/vocabulary.js';
import type { Member } from '../repo.js';
import * as repo from '../repo.js';
import { memberAnswer } from '../schemas.js';
import { passwordSelfService } from './invitation.js';

export const updateMemberSchema = {
  params: idParams,
  body: z.strictObject({
    name: personName.optional(),
    role: z.enum(['admin', 'agent']).optional(),
    locale: locale.nullable().optional(),
    active: z.boolean().optional(),
    password: z.unknown().optional().describe('Refused (403 password_self_service)'),
  }),
  answer: memberAnswer,
};

/**
 * Changes a member as an admin. A workspace always keeps one active admin: demoting or deactivating
 * the last one is `409 last_admin`. The workspace row is locked first, so two admins demoting each
 * other at once cannot both pass. Deactivation ends the member's sessions and revokes their emailed
 * links for good; each change of role or activity is audited in the same transaction.
 */
/**
 * What other modules do, in the same transaction, when a member is deactivated: approvals revoke the
 * member's emailed links (issue 10 finding 3). Passed in by the routes, which wire modules together, so
 * people does not import approvals (no module cycle).
 */
export type OnMemberDeactivated = (tx: Db, workspaceId: string, memberId: string) => Promise<unknown>;

export async function updateMember(
  { db, now, principal }: UseCaseContext,
  memberId: string,
  body: z.infer<typeof updateMemberSchema.body>,
  onDeactivated: OnMemberDeactivated,
): Promise<Member> {
  const admin = adminOnly(principal);
  const { password: refused, ...patch } = body;
  if (refused !== undefined) throw passwordSelfService();
  const workspaceId = admin.workspaceId;
  return inTransaction(db, async (tx) => {
    await repo.lockWorkspacePeople(tx, workspaceId);
    const before = await repo.getMember(tx, workspaceId, memberId);
    const losesAdmin =
      before.role === 'admin' &&
      before.active &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false);
    if (losesAdmin && (await repo.countActiveAdmins(tx, workspaceId)) <= 1) {
      throw conflict('last_admin', 'The workspace must keep at least one active admin');
    }
    await repo.setMemberFields(tx, workspaceId, memberId, patch);
    const subject: PersonRef = { type: 'member', id: memberId };
    const events: AuditEvent[] = [];
    if (patch.role !== undefined && patch.role !== before.role) {
      events.push({
        kind: 'role_changed',
        actor: admin,
        subject,
        data: { from: before.role, to: patch.role },
      });
    }
    if (patch.active === false && before.active) {
      events.push({ kind: 'member_deactivated', actor: admin, subject });
      const ended = await endSessions(tx, workspaceId, subject, now());
      if (ended > 0) {
        events.push({
          kind: 'sessions_ended',
          actor: admin,
          subject,
          data: { count: ended, reason: 'member_deactivated' },
        });
      }
    }
    if (patch.active === true && !before.active) {
      events.push({ kind: 'member_reactivated', actor: admin, subject });
    }
    await recordAudit(tx, workspaceId, events);
    // Issue 10 finding 3: a deactivated member's emailed links die with the deactivation.
    if (patch.active === false) await onDeactivated(tx, workspaceId, memberId);
    return repo.getMember(tx, workspaceId, memberId);
  });
}
