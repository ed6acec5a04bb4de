import { isUuid } from '../auth/tokens.js';
import { assertPeopleExist } from '../people/repo.js';
import type { Db } from '../shared/db/connect.js';
import { notFound } from '../shared/errors.js';
import type { ApproverRef, PersonRef } from './core/types.js';

/** Lower-cases ids so that references compare equal however a client spelled them. */
export function normalizeRef<R extends ApproverRef>(ref: R): R {
  return ('id' in ref ? { ...ref, id: ref.id.toLowerCase() } : { ...ref }) as R;
}

/** Every member, contact and group named exists in the workspace; 404 naming the first that does not. */
export async function assertRefsExist(db: Db, workspaceId: string, refs: ApproverRef[]): Promise<void> {
  const people = refs.filter((r): r is PersonRef => r.type === 'member' || r.type === 'contact');
  await assertPeopleExist(db, workspaceId, people);
  const groupIds = [...new Set(refs.flatMap((r) => (r.type === 'group' ? [r.id] : [])))];
  if (groupIds.length === 0) return;
  if (!groupIds.every(isUuid)) throw notFound('Approval group');
  const found = await db
    .selectFrom('approval_groups')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', groupIds)
    .execute();
  const known = new Set(found.map((g) => g.id));
  const missing = groupIds.find((g) => !known.has(g));
  if (missing) throw notFound(`Approval group ${missing}`);
}
