import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';
import { type InboundAddress, parseInboundAddress } from '../shared/email/addresses.js';
import { readSettings, type WorkspaceSettings } from '../workspaces/settings.js';

export type WorkspaceAddress = {
  workspaceId: string;
  slug: string;
  /** The recipient address that matched (as written: tokens are case-sensitive), and what it is to Signoff. */
  recipient: string;
  address: InboundAddress;
  settings: WorkspaceSettings;
};

/**
 * The first of `addresses` (in the order given) that is a workspace's: `{slug}@domain` or one of its
 * `+t`/`+a` forms whose slug a workspace has (ignoring case). Null when none is. The SMTP door asks it for
 * each RCPT TO (550 for the others); the pipeline for the message's recipients.
 */
export async function findWorkspaceAddress(
  db: Db,
  domain: string,
  addresses: string[],
): Promise<WorkspaceAddress | null> {
  const candidates = addresses
    .map((recipient) => ({
      recipient: recipient.trim(),
      address: parseInboundAddress(recipient.trim(), domain),
    }))
    .filter((c): c is { recipient: string; address: InboundAddress } => c.address !== null);
  if (candidates.length === 0) return null;
  const slugs = [...new Set(candidates.map((c) => c.address.slug))];
  const rows = await db
    .selectFrom('workspaces')
    .select(['id', sql<string>`lower(slug)`.as('slug'), 'settings'])
    .where(sql<string>`lower(slug)`, 'in', slugs)
    .execute();
  for (const c of candidates) {
    const row = rows.find((r) => r.slug === c.address.slug);
    if (row)
      return {
        workspaceId: row.id,
        slug: row.slug,
        recipient: c.recipient,
        address: c.address,
        settings: readSettings(row.settings),
      };
  }
  return null;
}
