import type { Principal } from '../../auth/principal.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as repo from '../repo.js';
import { messagePage } from './list-messages.js';
import { approvalsHiddenFrom, withoutApprovalStatus } from './visibility.js';

/** Messages embedded in GET /tickets/{id}: the first page of GET /tickets/{id}/messages. */
const TICKET_MESSAGES = 50;

/** GET /tickets/{id}: the ticket as the principal may see it, with its newest messages. */
export async function getTicket({ db }: Pick<AppDeps, 'db'>, principal: Principal, ticketId: string) {
  const row = await repo.visibleTicket(db, principal, ticketId);
  const [ticketView] = await repo.toTicketViews(db, principal.workspaceId, [row]);
  const view = (await approvalsHiddenFrom(db, principal)) ? withoutApprovalStatus(ticketView!) : ticketView!;
  // The newest messages, oldest of them first as a conversation reads; older ones are paged through
  // GET /tickets/{id}/messages from `messagesNextCursor` (no hidden cap).
  const page = await messagePage(db, principal, row.id, { limit: TICKET_MESSAGES });
  return { ...view, messages: page.items.reverse(), messagesNextCursor: page.nextCursor };
}
