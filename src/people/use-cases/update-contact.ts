import { z } from 'zod';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { idParams, locale, personName } from '../../shared/http/schemas.js';
import type { Contact } from '../repo.js';
import * as repo from '../repo.js';
import { contactAnswer } from '../schemas.js';
import { passwordSelfService } from './invitation.js';
import { contactVisibleTo } from './read-people.js';

export const updateContactSchema = {
  params: idParams,
  body: z.strictObject({
    name: personName.optional(),
    locale: locale.nullable().optional(),
    organization: z.string().trim().max(200).nullable().optional(),
    password: z.unknown().optional().describe('Refused (403 password_self_service)'),
  }),
  answer: contactAnswer,
};

/** Members change any contact of the workspace; a contact changes only their own record. */
export async function updateContact(
  { db, principal }: UseCaseContext,
  contactId: string,
  body: z.infer<typeof updateContactSchema.body>,
): Promise<Contact> {
  contactVisibleTo(principal, contactId);
  const { password: refused, ...patch } = body;
  if (refused !== undefined) throw passwordSelfService();
  return repo.updateContact(db, principal.workspaceId, contactId, patch);
}
