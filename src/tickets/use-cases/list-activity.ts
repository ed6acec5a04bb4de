import type { Principal } from '../../auth/principal.js';
import { loadPeople, personKey } from '../../people/repo.js';
import { decodeCursor, seqCursor, toPage } from '../../shared/http/pagination.js';
import type { AppDeps } from '../../shared/http/types.js';
import type { Channel } from '../../shared/vocabulary.js';
import { getSettings } from '../../workspaces/repo.js';
import { type ActivityType, listActivity as activityRows } from '../activity.js';
import * as repo from '../repo.js';
import { withoutInternalComment } from './visibility.js';

/**
 * GET /tickets/{id}/activity: the ticket's history, oldest first. Contacts see no internal line, no
 * approval line when approvals are hidden from them (rule 2), and no internal decision comment.
 */
export async function listActivity(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  ticketId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const ws = principal.workspaceId;
  const ticket = await repo.visibleTicket(db, principal, ticketId);
  const after = decodeCursor(query.cursor, seqCursor);
  const forContact =
    principal.type === 'contact'
      ? { approvalsVisible: (await getSettings(db, ws)).contactsCanViewApprovals }
      : null;
  const rows = await activityRows(db, ws, ticket.id, {
    afterSeq: after?.s ?? null,
    limit: query.limit,
    forContact,
  });
  const actors = rows.flatMap((r) =>
    r.actor_type && r.actor_id ? [{ type: r.actor_type, id: r.actor_id }] : [],
  );
  const people = await loadPeople(db, ws, actors);
  return toPage(
    rows,
    query.limit,
    (r) => ({
      id: r.id,
      // Written only through `ActivityInput`, whose type is one of these.
      type: r.type as ActivityType,
      approvalId: r.approval_id,
      actor:
        r.actor_type && r.actor_id
          ? {
              type: r.actor_type,
              id: r.actor_id,
              name: people.get(personKey({ type: r.actor_type, id: r.actor_id }))?.name ?? null,
            }
          : null,
      channel: r.channel as Channel | null,
      data: forContact ? withoutInternalComment(r.data) : r.data,
      createdAt: r.created_at,
    }),
    (r) => ({ s: r.seq }),
  );
}
