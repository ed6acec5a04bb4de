import type { z } from 'zod';
import type { MemberPrincipal } from '../../auth/principal.js';
import type { AppDeps } from '../../shared/http/types.js';
import type { bulkUpdateAnswer, bulkUpdateBody } from '../schemas.js';

/** POST /tickets/bulk (members): each ticket in its own transaction, one result per id in request order. */
export async function bulkUpdateTickets(
  _deps: Pick<AppDeps, 'db'>,
  _member: MemberPrincipal,
  _body: z.infer<typeof bulkUpdateBody>,
): Promise<z.infer<typeof bulkUpdateAnswer>> {
  // FOUNDATION PLACEHOLDER: the finding-work branch builds this.
  throw new Error('not built yet');
}
