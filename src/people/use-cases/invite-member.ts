import { adminOnly } from '../../auth/authenticate.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { inTransaction } from '../../shared/db/connect.js';
import { conflict } from '../../shared/errors.js';
import { acceptedAnswer } from '../../shared/http/responses.js';
import { idParams } from '../../shared/http/schemas.js';
import * as repo from '../repo.js';
import { sendInvitation } from './invitation.js';

export const inviteMemberSchema = { params: idParams, answer: acceptedAnswer };

/** Admins (re)send an active member an invitation; a deactivated one is 409 member_inactive. */
export async function inviteMember({ db, principal }: UseCaseContext, memberId: string): Promise<void> {
  const admin = adminOnly(principal);
  await inTransaction(db, async (tx) => {
    const member = await repo.getMember(tx, admin.workspaceId, memberId);
    if (!member.active)
      throw conflict('member_inactive', 'This member is deactivated: reactivate them first');
    await sendInvitation(tx, admin.workspaceId, { type: 'member', id: member.id }, admin);
  });
}
