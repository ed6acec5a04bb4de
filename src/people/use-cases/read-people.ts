import { z } from 'zod';
import { memberOnly } from '../../auth/authenticate.js';
import type { Principal } from '../../auth/principal.js';
import type { UseCaseContext } from '../../auth/use-case-context.js';
import { notFound } from '../../shared/errors.js';
import { decodeCursor, idCursor, type Page, paginationQuery, toPage } from '../../shared/http/pagination.js';
import { idParams } from '../../shared/http/schemas.js';
import type { Contact, Member } from '../repo.js';
import * as repo from '../repo.js';
import { contactAnswer, contactPage, memberAnswer, memberPage } from '../schemas.js';

const listQuery = z.strictObject(paginationQuery);
export const listMembersSchema = { querystring: listQuery, answer: memberPage };
export const getMemberSchema = { params: idParams, answer: memberAnswer };
export const listContactsSchema = { querystring: listQuery, answer: contactPage };
export const getContactSchema = { params: idParams, answer: contactAnswer };

type ListQuery = z.infer<typeof listQuery>;

/** Members see the workspace's members; contacts are refused as such (403 members_only). */
export async function listMembers(
  { db, principal }: UseCaseContext,
  query: ListQuery,
): Promise<Page<Member>> {
  const me = memberOnly(principal);
  const after = decodeCursor(query.cursor, idCursor);
  const rows = await repo.listMembers(db, me.workspaceId, after?.id ?? null, query.limit);
  return toPage(
    rows,
    query.limit,
    (r) => r,
    (r) => ({ id: r.id }),
  );
}

/** Like the list: contacts are refused as such (403 members_only), whichever id they ask for. */
export async function getMember({ db, principal }: UseCaseContext, memberId: string): Promise<Member> {
  const me = memberOnly(principal);
  return repo.getMember(db, me.workspaceId, memberId);
}

export async function listContacts(
  { db, principal }: UseCaseContext,
  query: ListQuery,
): Promise<Page<Contact>> {
  const me = memberOnly(principal);
  const after = decodeCursor(query.cursor, idCursor);
  const rows = await repo.listContacts(db, me.workspaceId, after?.id ?? null, query.limit);
  return toPage(
    rows,
    query.limit,
    (r) => r,
    (r) => ({ id: r.id }),
  );
}

/** A contact may read (and change) only their own record: any other id is "not found" to them. */
export function contactVisibleTo(principal: Principal, contactId: string): void {
  if (principal.type === 'contact' && principal.id !== contactId.toLowerCase()) throw notFound('Contact');
}

export async function getContact({ db, principal }: UseCaseContext, contactId: string): Promise<Contact> {
  contactVisibleTo(principal, contactId);
  return repo.getContact(db, principal.workspaceId, contactId);
}
