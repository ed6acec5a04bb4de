import type { TFunction } from 'i18next';
import type {
  ApproverRef,
  ContactPage,
  Directory,
  GroupPage,
  ItemOf,
  ListPage,
  MemberPage,
} from '../../api/types.js';
import { ApiError, get } from '../../api.js';

/** Every item of a paginated list (at most `maxPages` pages of 200). */
export async function loadAll<Page extends ListPage>(path: string, maxPages = 10): Promise<ItemOf<Page>[]> {
  const items: ItemOf<Page>[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res: Page = await get<Page>(url);
    items.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** Members, contacts and (when the approvals module is on) approval groups. */
export async function loadDirectory(approvalsEnabled: boolean): Promise<Directory> {
  const groups = approvalsEnabled
    ? loadAll<GroupPage>('/approval-groups').catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 409) return [];
        throw e;
      })
    : Promise.resolve([]);
  const [members, contacts, groupList] = await Promise.all([
    loadAll<MemberPage>('/members'),
    loadAll<ContactPage>('/contacts'),
    groups,
  ]);
  return { members, contacts, groups: groupList };
}

export const refKey = (ref: ApproverRef): string => ('id' in ref ? `${ref.type}:${ref.id}` : ref.type);

export const sameRef = (a: ApproverRef, b: ApproverRef): boolean => refKey(a) === refKey(b);

/** The name to show for a reference: a person's or group's name, or a ticket role in words. */
export function refName(ref: ApproverRef, directory: Directory | null, t: TFunction): string {
  switch (ref.type) {
    case 'member':
      return directory?.members.find((m) => m.id === ref.id)?.name ?? t('agent:people.unknown');
    case 'contact':
      return directory?.contacts.find((c) => c.id === ref.id)?.name ?? t('agent:people.unknown');
    case 'group': {
      const name = directory?.groups.find((g) => g.id === ref.id)?.name;
      return name ? t('agent:people.groupName', { name }) : t('agent:people.unknown');
    }
    default:
      return t(`agent:roles.${ref.type}`);
  }
}
