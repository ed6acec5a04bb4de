import type { Principal } from '../../auth/principal.js';
import { loadPeople, personKey } from '../../people/repo.js';
import { decodeCursor, seqCursor, toPage } from '../../shared/http/pagination.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as repo from '../repo.js';

/** GET /tickets/{id}/messages: a ticket's messages, newest first; contacts see public ones only. */
export async function listMessages(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  ticketId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const ticket = await repo.visibleTicket(db, principal, ticketId);
  return messagePage(db, principal, ticket.id, query);
}

/** A page of a visible ticket's messages as the principal may see them, with their authors' names. */
export async function messagePage(
  db: AppDeps['db'],
  principal: Principal,
  ticketId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  const before = decodeCursor(query.cursor, seqCursor);
  const rows = await repo.listMessages(db, principal.workspaceId, ticketId, {
    publicOnly: principal.type === 'contact',
    beforeSeq: before?.s ?? null,
    limit: query.limit + 1,
  });
  const people = await loadPeople(
    db,
    principal.workspaceId,
    rows.map((m) => m.author),
  );
  return toPage(
    rows,
    query.limit,
    ({ seq: _seq, ...m }) => ({
      ...m,
      author: { ...m.author, name: people.get(personKey(m.author))?.name ?? null },
    }),
    (m) => ({ s: m.seq }),
  );
}
