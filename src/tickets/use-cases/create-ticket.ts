import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { id } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as repo from '../repo.js';

/** POST /tickets: a member opens a ticket for a contact; a contact opens one for themselves. */

export const createTicketBody = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(10_000),
  requesterId: id.optional(),
  contactIds: z.array(id).max(100).optional(),
  assigneeId: id.nullable().optional(),
});

export async function createTicket(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  body: z.infer<typeof createTicketBody>,
): Promise<repo.TicketView> {
  const author = { type: principal.type, id: principal.id };
  if (principal.type === 'contact') {
    // A contact opens tickets for themselves only, without other contacts or an assignee.
    if (body.requesterId && body.requesterId.toLowerCase() !== principal.id)
      throw forbidden('not_allowed', 'Contacts open tickets for themselves');
    return repo.createTicket(db, author, principal.workspaceId, {
      subject: body.subject,
      body: body.body,
      requesterId: principal.id,
      contactIds: [],
      assigneeId: null,
    });
  }
  if (!body.requesterId) throw invalid('body.requesterId', 'is required');
  return repo.createTicket(db, author, principal.workspaceId, {
    subject: body.subject,
    body: body.body,
    requesterId: body.requesterId.toLowerCase(),
    contactIds: body.contactIds ?? [],
    assigneeId: body.assigneeId?.toLowerCase() ?? null,
  });
}
