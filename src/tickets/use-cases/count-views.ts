import type { z } from 'zod';
import type { MemberPrincipal } from '../../auth/principal.js';
import type { AppDeps } from '../../shared/http/types.js';
import type { ticketViewCounts } from '../schemas.js';

/** GET /tickets/views (members): how many tickets each saved view holds. */
export async function countTicketViews(
  _deps: Pick<AppDeps, 'db'>,
  _member: MemberPrincipal,
): Promise<z.infer<typeof ticketViewCounts>> {
  // FOUNDATION PLACEHOLDER: the finding-work branch builds this.
  throw new Error('not built yet');
}
