import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { forbidden } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as repo from '../repo.js';

/** POST /tickets/{id}/messages: a reply on a ticket the principal may see. */

export const addMessageBody = z.strictObject({
  body: z.string().trim().min(1).max(10_000),
  public: z.boolean(),
});

export async function addMessage(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  ticketId: string,
  body: z.infer<typeof addMessageBody>,
) {
  const ticket = await repo.visibleTicket(db, principal, ticketId);
  // Internal notes are the agents' own: a contact writes public messages only.
  if (principal.type === 'contact' && !body.public) {
    throw forbidden('not_allowed', 'Contacts can only post public messages');
  }
  const author = { type: principal.type, id: principal.id };
  const message = await repo.addMessage(db, author, principal.workspaceId, ticket.id, body);
  // Answered like a message of GET /tickets/{id}/messages: the author is the caller.
  return { ...message, author: { ...author, name: principal.name } };
}
