import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../shared/db/connect.js';
import { PERSON_NAME_MAX } from '../shared/http/schemas.js';
import type { PersonRef } from '../shared/vocabulary.js';

/** Who sent an inbound message, as the workspace knows them: an active member, a contact, or nobody. */
export type Sender = { type: 'member'; id: string } | { type: 'contact'; id: string } | { type: 'unknown' };

export async function findSender(db: Db, workspaceId: string, address: string): Promise<Sender> {
  const member = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where(sql<string>`lower(email)`, '=', address.toLowerCase())
    .where('active', '=', true)
    .executeTakeFirst();
  if (member) return { type: 'member', id: member.id };
  const contact = await findContactId(db, workspaceId, address);
  return contact ? { type: 'contact', id: contact } : { type: 'unknown' };
}

async function findContactId(db: Db, workspaceId: string, address: string): Promise<string | null> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where(sql<string>`lower(email)`, '=', address.toLowerCase())
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A contact's name from the From display name, else the address's local part: one line, at most 100. */
export function contactName(address: string, displayName: string): string {
  const clean = (s: string) =>
    s
      .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const name = clean(displayName) || clean(address.slice(0, address.lastIndexOf('@'))) || address;
  return name.slice(0, PERSON_NAME_MAX);
}

/**
 * The contact of this address, created when there is none. `ON CONFLICT DO NOTHING` then a read: two
 * messages from one new sender at once make one contact, and the transaction is not aborted by a
 * unique violation (PostgreSQL aborts a transaction on any error).
 */
export async function findOrCreateContact(
  db: Db,
  workspaceId: string,
  from: { address: string; name: string },
): Promise<string> {
  const existing = await findContactId(db, workspaceId, from.address);
  if (existing) return existing;
  await sql`
    INSERT INTO contacts (workspace_id, id, name, email)
    VALUES (${workspaceId}, ${randomUUID()}, ${contactName(from.address, from.name)}, ${from.address.toLowerCase()})
    ON CONFLICT (workspace_id, lower(email)) DO NOTHING`.execute(db);
  const id = await findContactId(db, workspaceId, from.address);
  if (!id) throw new Error('inbound: the contact just created cannot be read');
  return id;
}

/** Whether this person may write into the ticket: a member, its requester, or one of its contacts. */
export async function mayWriteInto(
  db: Db,
  workspaceId: string,
  ticket: { id: string; requesterId: string },
  person: PersonRef,
): Promise<boolean> {
  if (person.type === 'member') return true;
  if (person.id === ticket.requesterId) return true;
  const row = await db
    .selectFrom('ticket_contacts')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticket.id)
    .where('contact_id', '=', person.id)
    .executeTakeFirst();
  return row !== undefined;
}
