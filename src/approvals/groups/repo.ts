import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isUuid } from '../../auth/tokens.js';
import { assertPeopleExist } from '../../people/repo.js';
import { type Db, inTransaction } from '../../shared/db/connect.js';
import { conflict, notFound } from '../../shared/errors.js';
import type { PersonRef } from '../core/types.js';

export type GroupView = {
  id: string;
  name: string;
  memberIds: string[];
  contactIds: string[];
  members: { id: string; name: string }[];
  contacts: { id: string; name: string }[];
  createdAt: Date;
};

const uniq = (ids: string[]) => [...new Set(ids.map((i) => i.toLowerCase()))];

/**
 * Replaces a group's members and/or contacts. The ids travel as one array parameter each, so a group of
 * thousands is one INSERT that stays far under the wire protocol's 65,535 parameters (issue 10 item 2).
 */
async function replaceMembership(
  tx: Db,
  workspaceId: string,
  groupId: string,
  memberIds: string[] | undefined,
  contactIds: string[] | undefined,
) {
  if (memberIds) {
    await tx
      .deleteFrom('approval_group_members')
      .where('workspace_id', '=', workspaceId)
      .where('group_id', '=', groupId)
      .execute();
    if (memberIds.length > 0) {
      await sql`
        INSERT INTO approval_group_members (workspace_id, group_id, member_id)
        SELECT ${workspaceId}::uuid, ${groupId}::uuid, unnest(${memberIds}::uuid[])`.execute(tx);
    }
  }
  if (contactIds) {
    await tx
      .deleteFrom('approval_group_contacts')
      .where('workspace_id', '=', workspaceId)
      .where('group_id', '=', groupId)
      .execute();
    if (contactIds.length > 0) {
      await sql`
        INSERT INTO approval_group_contacts (workspace_id, group_id, contact_id)
        SELECT ${workspaceId}::uuid, ${groupId}::uuid, unnest(${contactIds}::uuid[])`.execute(tx);
    }
  }
}

async function assertMembersExist(tx: Db, workspaceId: string, memberIds: string[], contactIds: string[]) {
  await assertPeopleExist(tx, workspaceId, [
    ...memberIds.map((id) => ({ type: 'member' as const, id })),
    ...contactIds.map((id) => ({ type: 'contact' as const, id })),
  ]);
}

export async function createGroup(
  db: Db,
  workspaceId: string,
  input: { name: string; memberIds?: string[]; contactIds?: string[] },
): Promise<GroupView> {
  const memberIds = uniq(input.memberIds ?? []);
  const contactIds = uniq(input.contactIds ?? []);
  return inTransaction(db, async (tx) => {
    await assertMembersExist(tx, workspaceId, memberIds, contactIds);
    const id = randomUUID();
    await tx
      .insertInto('approval_groups')
      .values({ workspace_id: workspaceId, id, name: input.name })
      .execute();
    await replaceMembership(tx, workspaceId, id, memberIds, contactIds);
    return getGroup(tx, workspaceId, id);
  });
}

export async function updateGroup(
  db: Db,
  workspaceId: string,
  id: string,
  input: { name?: string; memberIds?: string[]; contactIds?: string[] },
): Promise<GroupView> {
  return inTransaction(db, async (tx) => {
    const group = await getGroup(tx, workspaceId, id);
    const memberIds = input.memberIds ? uniq(input.memberIds) : undefined;
    const contactIds = input.contactIds ? uniq(input.contactIds) : undefined;
    await assertMembersExist(tx, workspaceId, memberIds ?? [], contactIds ?? []);
    if (input.name !== undefined) {
      await tx
        .updateTable('approval_groups')
        .set({ name: input.name })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', group.id)
        .execute();
    }
    await replaceMembership(tx, workspaceId, group.id, memberIds, contactIds);
    return getGroup(tx, workspaceId, group.id);
  });
}

export async function deleteGroup(db: Db, workspaceId: string, id: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const group = await getGroup(tx, workspaceId, id);
    const pattern = `%"${group.id}"%`;
    const used = await tx
      .selectFrom('approval_templates')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('archived_at', 'is', null)
      .where((eb) =>
        eb.or([eb(sql`steps::text`, 'like', pattern), eb(sql`appeal_reviewers::text`, 'like', pattern)]),
      )
      .executeTakeFirst();
    if (used) throw conflict('group_in_use', 'A template still uses this group');
    await tx
      .deleteFrom('approval_groups')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', group.id)
      .execute();
  });
}

export async function getGroup(db: Db, workspaceId: string, id: string): Promise<GroupView> {
  const row = isUuid(id)
    ? await db
        .selectFrom('approval_groups')
        .select(['id', 'name', 'created_at'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!row) throw notFound('Approval group');
  return (await toGroupViews(db, workspaceId, [row]))[0]!;
}

export async function listGroups(db: Db, workspaceId: string, after: string | null, limit: number) {
  let q = db
    .selectFrom('approval_groups')
    .select(['id', 'name', 'created_at'])
    .where('workspace_id', '=', workspaceId);
  if (after) q = q.where('id', '>', after);
  return q
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export async function toGroupViews(
  db: Db,
  workspaceId: string,
  rows: { id: string; name: string; created_at: Date }[],
): Promise<GroupView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [members, contacts] = await Promise.all([
    db
      .selectFrom('approval_group_members as g')
      .innerJoin('members as m', (j) =>
        j.onRef('m.workspace_id', '=', 'g.workspace_id').onRef('m.id', '=', 'g.member_id'),
      )
      .select(['g.group_id', 'm.id', 'm.name'])
      .where('g.workspace_id', '=', workspaceId)
      .where('g.group_id', 'in', ids)
      .orderBy('m.name')
      .execute(),
    db
      .selectFrom('approval_group_contacts as g')
      .innerJoin('contacts as c', (j) =>
        j.onRef('c.workspace_id', '=', 'g.workspace_id').onRef('c.id', '=', 'g.contact_id'),
      )
      .select(['g.group_id', 'c.id', 'c.name'])
      .where('g.workspace_id', '=', workspaceId)
      .where('g.group_id', 'in', ids)
      .orderBy('c.name')
      .execute(),
  ]);
  return rows.map((r) => {
    const ms = members.filter((m) => m.group_id === r.id).map((m) => ({ id: m.id, name: m.name }));
    const cs = contacts.filter((c) => c.group_id === r.id).map((c) => ({ id: c.id, name: c.name }));
    return {
      id: r.id,
      name: r.name,
      memberIds: ms.map((m) => m.id),
      contactIds: cs.map((c) => c.id),
      members: ms,
      contacts: cs,
      createdAt: r.created_at,
    };
  });
}

/** Active people of each group, for resolving `group` references when a step starts. */
export async function groupPeople(
  db: Db,
  workspaceId: string,
  groupIds: string[],
): Promise<Record<string, PersonRef[]>> {
  const ids = [...new Set(groupIds)].filter(isUuid);
  const out: Record<string, PersonRef[]> = {};
  if (ids.length === 0) return out;
  for (const id of ids) out[id] = [];
  const [members, contacts] = await Promise.all([
    db
      .selectFrom('approval_group_members as g')
      .innerJoin('members as m', (j) =>
        j.onRef('m.workspace_id', '=', 'g.workspace_id').onRef('m.id', '=', 'g.member_id'),
      )
      .select(['g.group_id', 'm.id'])
      .where('g.workspace_id', '=', workspaceId)
      .where('g.group_id', 'in', ids)
      .where('m.active', '=', true)
      .orderBy('m.name')
      .orderBy('m.id')
      .execute(),
    db
      .selectFrom('approval_group_contacts as g')
      .select(['g.group_id', 'g.contact_id as id'])
      .innerJoin('contacts as c', (j) =>
        j.onRef('c.workspace_id', '=', 'g.workspace_id').onRef('c.id', '=', 'g.contact_id'),
      )
      .where('g.workspace_id', '=', workspaceId)
      .where('g.group_id', 'in', ids)
      .orderBy('c.name')
      .orderBy('c.id')
      .execute(),
  ]);
  for (const m of members) out[m.group_id]!.push({ type: 'member', id: m.id });
  for (const c of contacts) out[c.group_id]!.push({ type: 'contact', id: c.id });
  return out;
}
