import { z } from 'zod';
import { memberOnly } from '../../auth/authenticate.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { forbidden } from '../../shared/errors.js';
import { email, locale, password, personName } from '../../shared/http/schemas.js';
import type { Contact } from '../repo.js';
import * as repo from '../repo.js';
import { contactAnswer } from '../schemas.js';

export const createContactSchema = {
  body: z.strictObject({
    name: personName,
    email,
    /** An initial password: admins only (an agent could otherwise sign in as the customer). */
    password: password.optional(),
    locale: locale.optional(),
    organization: z.string().trim().max(200).optional(),
  }),
  answer: contactAnswer,
};

/** Members add contacts; only admins may give one a password. */
export async function createContact(
  { db, principal }: UseCaseContext,
  body: z.infer<typeof createContactSchema.body>,
): Promise<Contact> {
  const member = memberOnly(principal);
  if (body.password !== undefined && member.role !== 'admin') {
    throw forbidden(
      'admins_only',
      'Only admins may give a new contact a password; contacts can ask for a link',
    );
  }
  return repo.createContact(db, member.workspaceId, body);
}
