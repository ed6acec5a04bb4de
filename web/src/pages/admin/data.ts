import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContactPage, Directory, GroupPage, ItemOf, ListPage, MemberPage } from '../../api/types.js';
import { get } from '../../api.js';

function withCursor(path: string, cursor: string | null, limit: number): string {
  const sep = path.includes('?') ? '&' : '?';
  return `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
}

/** Every item of a cursor-paginated list (for pickers), fetched 200 at a time. */
export async function fetchAll<Page extends ListPage>(path: string): Promise<ItemOf<Page>[]> {
  const items: ItemOf<Page>[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res: Page = await get<Page>(withCursor(path, cursor, 200));
    items.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** What `usePagedList` gives a page: the items so far and the means to load, reload and patch them. */
export type PagedList<Item> = {
  items: Item[];
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadMore: () => void;
  reload: () => Promise<void>;
  upsert: (item: Item) => void;
  removeItem: (id: string) => void;
};

/**
 * A list page by page: the first page on mount, `loadMore()` appends the next one, `reload()` starts
 * again, `upsert()` shows a saved item without fetching again. `enabled: false` loads nothing.
 */
export function usePagedList<Page extends ListPage>(
  path: string,
  enabled = true,
  pageSize = 50,
): PagedList<ItemOf<Page>> {
  type T = ItemOf<Page>;
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (cursor: string | null) => {
      const mine = ++generation.current;
      setLoading(true);
      try {
        const res = await get<Page>(withCursor(path, cursor, pageSize));
        if (mine !== generation.current) return;
        setItems((old) => {
          if (!cursor) return res.items;
          const known = new Set(old.map((x) => x.id));
          return [...old, ...res.items.filter((x) => !known.has(x.id))];
        });
        setNextCursor(res.nextCursor);
        setError(null);
      } catch (e) {
        if (mine === generation.current) setError(e);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [path, pageSize],
  );

  useEffect(() => {
    if (enabled) void load(null);
    else setLoading(false);
  }, [enabled, load]);

  const loadMore = useCallback(() => {
    if (nextCursor) void load(nextCursor);
  }, [load, nextCursor]);
  const reload = useCallback(() => load(null), [load]);
  const upsert = useCallback((item: T) => {
    setItems((old) => {
      const at = old.findIndex((x) => x.id === item.id);
      if (at === -1) return [...old, item];
      const copy = old.slice();
      copy[at] = item;
      return copy;
    });
  }, []);
  const removeItem = useCallback((id: string) => setItems((old) => old.filter((x) => x.id !== id)), []);

  return { items, hasMore: nextCursor !== null, loading, error, loadMore, reload, upsert, removeItem };
}

/** Everyone a picker can offer: members, contacts and (while approvals are on) approval groups. */
export type { Directory };

export async function loadDirectory(withGroups: boolean): Promise<Directory> {
  const [members, contacts, groups] = await Promise.all([
    fetchAll<MemberPage>('/members'),
    fetchAll<ContactPage>('/contacts'),
    withGroups ? fetchAll<GroupPage>('/approval-groups') : Promise.resolve([]),
  ]);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return { members: members.sort(byName), contacts: contacts.sort(byName), groups: groups.sort(byName) };
}
