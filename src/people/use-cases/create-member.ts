import { z } from 'zod';
import { adminOnly } from '../../auth/authenticate.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { inTransaction } from '../../shared/db/connect.js';
import { email, locale, password, personName } from '../../shared/http/schemas.js';
import type { Member } from '../repo.js';
import * as repo from '../repo.js';
import { memberAnswer } from '../schemas.js';
import { sendInvitation } from './invitation.js';

export const createMemberSchema = {
  body: z.strictObject({
    name: personName,
    email,
    role: z.enum(['admin', 'agent']),
    /** An initial password chosen by the admin (SPEC §5); without one the member is invited by email. */
    password: password.optional(),
    locale: locale.optional(),
    /** `false`: no invitation email for a member created without a password (an import, say). */
    invite: z.boolean().optional(),
  }),
  answer: memberAnswer,
};

/** Admins add members; one without a password is invited by email unless `invite: false`. */
export async function createMember(
  { db, principal }: UseCaseContext,
  body: z.infer<typeof createMemberSchema.body>,
): Promise<Member> {
  const admin = adminOnly(principal);
  const { invite, ...input } = body;
  return inTransaction(db, async (tx) => {
    const created = await repo.createMember(tx, admin.workspaceId, input);
    // SPEC §8.1: a member without a password could never sign in to answer their approvals.
    if (!input.password && invite !== false) {
      await sendInvitation(tx, admin.workspaceId, { type: 'member', id: created.id }, admin);
    }
    return created;
  });
}
