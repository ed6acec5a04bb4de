import { z } from 'zod';
import type { MemberPrincipal } from '../../auth/principal.js';
import { assertPeopleExist } from '../../people/repo.js';
import { inTransaction } from '../../shared/db/connect.js';
import { conflict, invalid } from '../../shared/errors.js';
import { id } from '../../shared/http/schemas.js';
import type { AppDeps } from '../../shared/http/types.js';
import { getSettings } from '../../workspaces/repo.js';
import * as repo from '../repo.js';
import { ticketPriority, ticketStatus, ticketTags } from '../schemas.js';

/** PATCH /tickets/{id} (members): status, subject, assignee, contacts (CC), priority, tags. */

export const updateTicketBody = z.strictObject({
  status: ticketStatus.optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  assigneeId: id.nullable().optional(),
  /** Replaces the ticket's contacts (CC). */
  contactIds: z.array(id).max(50).optional(),
  priority: ticketPriority.optional(),
  /** Replaces the ticket's tags. */
  tags: ticketTags.optional(),
});

export async function updateTicket(
  { db }: Pick<AppDeps, 'db'>,
  member: MemberPrincipal,
  ticketId: string,
  patch: z.infer<typeof updateTicketBody> & {
    /** Tags added to those the ticket has (POST /tickets/bulk). */
    addTags?: string[];
  },
): Promise<repo.TicketView> {
  const ws = member.workspaceId;
  const assigneeId = patch.assigneeId ? patch.assigneeId.toLowerCase() : patch.assigneeId;
  const contactIds = patch.contactIds && [...new Set(patch.contactIds.map((c) => c.toLowerCase()))].sort();
  return inTransaction(db, async (tx) => {
    // The ticket's row lock: an approval requested meanwhile waits for it (and sees the new status).
    const current = await repo.findTicket(tx, ws, ticketId, true);
    // SPEC §8.3: the assignee is a member, the contacts (CC) contacts, of this workspace (404 otherwise).
    await assertPeopleExist(tx, ws, [
      ...(assigneeId ? [{ type: 'member' as const, id: assigneeId }] : []),
      ...(contactIds ?? []).map((id) => ({ type: 'contact' as const, id })),
    ]);
    // Rule 10: no solving or closing while an approval waits for an answer. It holds while the
    // approvals module is on; with it off, tickets keep working (rule 1).
    if (patch.status === 'solved' || patch.status === 'closed') {
      const approvalsOn = (await getSettings(tx, ws)).approvalsEnabled;
      if (approvalsOn && (await repo.hasLiveApproval(tx, ws, current.id))) {
        throw conflict('approval_pending', 'The ticket has an approval awaiting an answer');
      }
    }
    // Only what differs is written, and recorded in the activity line.
    const changes: repo.TicketChanges = {};
    if (patch.status !== undefined && patch.status !== current.status) changes.status = patch.status;
    if (patch.subject !== undefined && patch.subject !== current.subject) changes.subject = patch.subject;
    if (assigneeId !== undefined && assigneeId !== current.assignee_id) changes.assigneeId = assigneeId;
    if (patch.priority !== undefined && patch.priority !== current.priority)
      changes.priority = patch.priority;
    const tags = patch.addTags ? [...new Set([...current.tags, ...patch.addTags])] : patch.tags;
    if (tags !== undefined && tags.length > MAX_TAGS)
      throw invalid('tags', `must hold at most ${MAX_TAGS} tags`);
    if (tags !== undefined && !sameList(tags, current.tags)) changes.tags = tags;
    if (contactIds !== undefined) {
      const before = await repo.ticketContactIds(tx, ws, current.id);
      if (!sameList(contactIds, before)) changes.contactIds = contactIds;
    }
    if (Object.keys(changes).length === 0) return (await repo.toTicketViews(tx, ws, [current]))[0]!;
    return repo.saveTicketChanges(tx, { type: 'member', id: member.id }, ws, current.id, changes);
  });
}

/** As `ticketTags` allows in one request. */
const MAX_TAGS = 20;

/** The same items in the same order. */
const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
