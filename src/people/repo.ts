import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { hashPassword } from '../auth/passwords.js';
import { isUuid } from '../auth/tokens.js';
import type { Db } from '../shared/db/connect.js';
import { conflict, notFound } from '../shared/errors.js';
import type { PersonRef } from '../shared/vocabulary.js';

export type Member = {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
  locale: 'en' | 'fr' | null;
  active: boolean;
  createdAt: Date;
};

export type Contact = {
  id: string;
  name: string;
  email: string;
  locale: 'en' | 'fr' | null;
  organization: string | null;
  createdAt: Date;
};

const memberColumns = ['id', 'name', 'email', 'role', 'locale', 'active', 'created_at'] as const;
const contactColumns = ['id', 'name', 'email', 'locale', 'organization', 'created_at'] as const;

type MemberRow = Omit<Member, 'createdAt'> & { created_at: Date };
type ContactRow = Omit<Contact, 'createdAt'> & { created_at: Date };

const toMember = ({ created_at, ...m }: MemberRow): Member => ({ ...m, createdAt: created_at });
const toContact = ({ created_at, ...c }: ContactRow): Contact => ({ ...c, createdAt: created_at });

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

export async function createMember(
  db: Db,
  workspaceId: string,
  input: { name: string; email: string; role: 'admin' | 'agent'; password?: string; locale?: 'en' | 'fr' },
): Promise<Member> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    const row = await db
      .insertInto('members')
      .values({
        workspace_id: workspaceId,
        id: randomUUID(),
        name: input.name,
        email: input.email,
        role: input.role,
        locale: input.locale ?? null,
        password_hash: passwordHash,
      })
      .returning(memberColumns)
      .executeTakeFirstOrThrow();
    return toMember(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('email_taken', 'A member with this email already exists');
    throw error;
  }
}

export async function createContact(
  db: Db,
  workspaceId: string,
  input: { name: string; email: string; password?: string; locale?: 'en' | 'fr'; organization?: string },
): Promise<Contact> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    const row = await db
      .insertInto('contacts')
      .values({
        workspace_id: workspaceId,
        id: randomUUID(),
        name: input.name,
        email: input.email,
        locale: input.locale ?? null,
        organization: input.organization ?? null,
        password_hash: passwordHash,
      })
      .returning(contactColumns)
      .executeTakeFirstOrThrow();
    return toContact(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('email_taken', 'A contact with this email already exists');
    throw error;
  }
}

export async function getMember(db: Db, workspaceId: string, id: string): Promise<Member> {
  const row = isUuid(id)
    ? await db
        .selectFrom('members')
        .select(memberColumns)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('Member');
  return toMember(row);
}

export async function getContact(db: Db, workspaceId: string, id: string): Promise<Contact> {
  const row = isUuid(id)
    ? await db
        .selectFrom('contacts')
        .select(contactColumns)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('Contact');
  return toContact(row);
}

export async function listMembers(db: Db, workspaceId: string, after: string | null, limit: number) {
  let q = db.selectFrom('members').select(memberColumns).where('workspace_id', '=', workspaceId);
  if (after) q = q.where('id', '>', after);
  const rows = await q
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  return rows.map(toMember);
}

export async function listContacts(db: Db, workspaceId: string, after: string | null, limit: number) {
  let q = db.selectFrom('contacts').select(contactColumns).where('workspace_id', '=', workspaceId);
  if (after) q = q.where('id', '>', after);
  const rows = await q
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  return rows.map(toContact);
}

export type MemberPatch = {
  name?: string;
  role?: 'admin' | 'agent';
  locale?: 'en' | 'fr' | null;
  active?: boolean;
};

/**
 * Locks the workspace row: changes of role or activity in one workspace run one after the other, so
 * two admins demoting each other at once cannot both see another admin left.
 */
export async function lockWorkspacePeople(tx: Db, workspaceId: string): Promise<void> {
  await tx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forUpdate().execute();
}

export async function countActiveAdmins(db: Db, workspaceId: string): Promise<number> {
  const admins = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(admins.n);
}

export async function setMemberFields(
  db: Db,
  workspaceId: string,
  id: string,
  patch: MemberPatch,
): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db
    .updateTable('members')
    .set(patch)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function updateContact(
  db: Db,
  workspaceId: string,
  id: string,
  patch: { name?: string; locale?: 'en' | 'fr' | null; organization?: string | null },
): Promise<Contact> {
  await getContact(db, workspaceId, id);
  if (Object.keys(patch).length > 0) {
    await db
      .updateTable('contacts')
      .set(patch)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
  }
  return getContact(db, workspaceId, id);
}

export type PersonInfo = { name: string; email: string; locale: 'en' | 'fr' | null; active: boolean };

export const personKey = (p: PersonRef) => `${p.type}:${p.id}`;

/** Names (and emails, for notifications) of many people, members and contacts, in one query. */
export async function loadPeople(
  db: Db,
  workspaceId: string,
  refs: PersonRef[],
): Promise<Map<string, PersonInfo>> {
  const memberIds = [...new Set(refs.filter((r) => r.type === 'member').map((r) => r.id))];
  const contactIds = [...new Set(refs.filter((r) => r.type === 'contact').map((r) => r.id))];
  const out = new Map<string, PersonInfo>();
  if (memberIds.length === 0 && contactIds.length === 0) return out;
  const members = db
    .selectFrom('members')
    .select([sql<PersonRef['type']>`'member'`.as('type'), 'id', 'name', 'email', 'locale', 'active'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', memberIds);
  const contacts = db
    .selectFrom('contacts')
    .select([
      sql<PersonRef['type']>`'contact'`.as('type'),
      'id',
      'name',
      'email',
      'locale',
      sql<boolean>`true`.as('active'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', contactIds);
  const query =
    memberIds.length === 0 ? contacts : contactIds.length === 0 ? members : members.unionAll(contacts);
  for (const { type, ...person } of await query.execute()) out.set(`${type}:${person.id}`, person);
  return out;
}

/** Checks that every referenced person exists in the workspace (404 naming the first that does not). */
export async function assertPeopleExist(db: Db, workspaceId: string, refs: PersonRef[]): Promise<void> {
  const people = await loadPeople(db, workspaceId, refs);
  for (const ref of refs) {
    const person = people.get(personKey(ref));
    if (!person) throw notFound(ref.type === 'member' ? `Member ${ref.id}` : `Contact ${ref.id}`);
  }
}
