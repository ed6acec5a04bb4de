import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  APPROVAL_STATUS_FILTERS,
  type ApprovalStatusFilter,
  type Member,
  type MemberPage,
  type SortOrder,
  TICKET_PRIORITIES,
  TICKET_SORTS,
  TICKET_STATUSES,
  TICKET_VIEWS,
  type Ticket,
  type TicketPage,
  type TicketPriority,
  type TicketSort,
  type TicketStatus,
  type TicketViewCounts,
  type TicketViewId,
} from '../../api/types.js';
import { get } from '../../api.js';
import { loadAll, loadDirectory } from '../../components/approval/directory.js';
import { ActionError, useAction } from '../../components/approval/feedback.js';
import { EmptyState, ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { formatNumber } from '../../i18n.js';
import { useSession } from '../../session.js';
import { BulkBar } from './BulkBar.js';
import { CellLabel } from './CellLabel.js';
import { NewTicketForm } from './NewTicketForm.js';
import { RelativeTime } from './RelativeTime.js';
import { useShortcuts } from './shortcuts.js';
import { TicketApprovalStatus } from './TicketApprovalStatus.js';
import './agent.css';

const PAGE_SIZE = 25;
const APPROVAL_VIEWS: TicketViewId[] = ['awaiting_approval', 'needs_my_approval'];

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | null =>
  v !== null && (list as readonly string[]).includes(v) ? (v as T) : null;

/** The list's state, all of it in the URL's query string so that a view, a search or a filter is a link. */
type ListState = {
  view: TicketViewId | null;
  q: string;
  status: TicketStatus | null;
  /** `me`, `none` or a member's id. */
  assigneeId: string | null;
  priority: TicketPriority | null;
  tag: string;
  approvalStatus: ApprovalStatusFilter | null;
  /** null: by relevance when searching, else most recently updated. */
  sort: TicketSort | null;
  order: SortOrder;
};

function readState(params: URLSearchParams, approvalsEnabled: boolean): ListState {
  const view = oneOf(TICKET_VIEWS, params.get('view'));
  return {
    view: view && (approvalsEnabled || !APPROVAL_VIEWS.includes(view)) ? view : null,
    q: params.get('q')?.trim() ?? '',
    status: oneOf(TICKET_STATUSES, params.get('status')),
    assigneeId: params.get('assigneeId') || null,
    priority: oneOf(TICKET_PRIORITIES, params.get('priority')),
    tag: params.get('tag')?.trim() ?? '',
    approvalStatus: approvalsEnabled ? oneOf(APPROVAL_STATUS_FILTERS, params.get('approvalStatus')) : null,
    sort: oneOf(TICKET_SORTS, params.get('sort')),
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
  };
}

/** The query of GET /tickets for a state (the API's names, so the page's URL and the API's read alike). */
function apiQuery(s: ListState): URLSearchParams {
  const q = new URLSearchParams();
  if (s.view) q.set('view', s.view);
  if (s.q) q.set('q', s.q);
  if (s.status) q.set('status', s.status);
  if (s.assigneeId) q.set('assigneeId', s.assigneeId);
  if (s.priority) q.set('priority', s.priority);
  if (s.tag) q.set('tag', s.tag);
  if (s.approvalStatus) q.set('approvalStatus', s.approvalStatus);
  const sort = s.sort ?? (s.q ? null : 'updated');
  if (sort) {
    q.set('sort', sort);
    q.set('order', s.order);
  }
  return q;
}

const isFiltered = (s: ListState) =>
  Boolean(s.q || s.status || s.assigneeId || s.priority || s.tag || s.approvalStatus);

/**
 * `/`: finding work (SPEC §8.3). Saved views with their counts, a search box, filters and sort (all in the
 * URL), the tickets with priority, tags, assignee and last update, row selection with bulk changes, and
 * keyboard shortcuts (`/`, `j`, `k`, `o`, `x`; `?` lists them).
 */
export function TicketsPage() {
  const { t, i18n } = useTranslation('agent');
  const { settings } = useSession();
  const approvalsEnabled = settings?.approvalsEnabled ?? false;
  const [params, setParams] = useSearchParams();
  const state = readState(params, approvalsEnabled);
  const query = apiQuery(state);
  const queryKey = query.toString();
  const [creating, setCreating] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();

  const pageUrl = (cursor: string | null) => {
    const q = new URLSearchParams(query);
    q.set('limit', String(PAGE_SIZE));
    if (cursor) q.set('cursor', cursor);
    return `/tickets?${q}`;
  };
  const list = useAsync(() => get<TicketPage>(pageUrl(null)), `tickets:${queryKey}`);
  const views = useAsync(() => get<TicketViewCounts>('/tickets/views'), 'views');
  const members = useAsync(() => loadAll<MemberPage>('/members'), 'members');
  const directory = useAsync(
    () => (creating ? loadDirectory(false) : Promise.resolve(null)),
    `dir:${creating}`,
  );
  const more = useAction();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [active, setActive] = useState(-1);
  const rowLinks = useRef<(HTMLAnchorElement | null)[]>([]);

  // A new list (another view, search or filter) starts with nothing selected and no current row.
  // biome-ignore lint/correctness/useExhaustiveDependencies: queryKey names the list
  useEffect(() => {
    setSelected(new Set());
    setActive(-1);
  }, [queryKey]);

  const tickets = list.data?.items ?? [];

  /** Changes some of the URL's parameters (an empty value removes one); the list follows. */
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    next.delete('cursor');
    setParams(next, { replace: false });
  };

  const move = (delta: number) => {
    if (tickets.length === 0) return;
    const index = Math.min(tickets.length - 1, Math.max(0, active + delta));
    setActive(index);
    rowLinks.current[index]?.focus();
  };
  const toggle = (id: string) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const sheet = useShortcuts({
    search: () => searchBox.current?.focus(),
    next: () => move(1),
    previous: () => move(-1),
    open: () => {
      const ticket = tickets[active];
      if (ticket) navigate(`/tickets/${ticket.id}`);
    },
    select: () => {
      const ticket = tickets[active];
      if (ticket) toggle(ticket.id);
    },
  });

  async function loadMore() {
    const cur = list.data;
    if (!cur?.nextCursor) return;
    const page = await more.run(() => get<TicketPage>(pageUrl(cur.nextCursor)));
    if (page) list.setData({ items: [...cur.items, ...page.items], nextCursor: page.nextCursor });
  }

  const afterBulk = (failed: string[]) => {
    setSelected(new Set(failed));
    void list.reload();
    void views.reload();
  };

  const title = state.view ? t(`views.${state.view}`) : t('tickets.title');
  return (
    <Page
      title={t('tickets.title')}
      actions={
        <button
          ref={newButton}
          type="button"
          className="primary"
          aria-expanded={creating}
          onClick={() => setCreating((c) => !c)}
        >
          {t('tickets.new')}
        </button>
      }
    >
      {sheet}
      {creating ? (
        directory.data ? (
          <NewTicketForm
            directory={directory.data}
            onCreated={(ticket) => navigate(`/tickets/${ticket.id}`)}
            onCancel={() => {
              setCreating(false);
              newButton.current?.focus();
            }}
          />
        ) : directory.error ? (
          <ErrorMessage error={directory.error} onRetry={directory.reload} />
        ) : (
          <Loading />
        )
      ) : null}
      <div className="ag-finder">
        <ViewList
          current={state.view}
          counts={views.data}
          approvalsEnabled={approvalsEnabled}
          language={i18n.language}
        />
        <div className="ag-finder-main">
          <SearchForm key={state.q} q={state.q} inputRef={searchBox} onSearch={(q) => update({ q })} />
          <Filters
            state={state}
            members={members.data ?? []}
            approvalsEnabled={approvalsEnabled}
            onChange={update}
          />
          <h2 className="ag-list-title" aria-live="polite">
            {state.q ? t('search.resultsFor', { q: state.q }) : title}
          </h2>
          <BulkBar
            ids={[...selected]}
            tickets={tickets}
            members={members.data ?? []}
            onDone={afterBulk}
            onClear={() => setSelected(new Set())}
          />
          {list.data ? (
            <>
              <TicketTable
                tickets={tickets}
                state={state}
                members={members.data ?? []}
                showApprovals={approvalsEnabled}
                filtered={isFiltered(state) || state.view !== null}
                selected={selected}
                onToggle={toggle}
                onToggleAll={(all) => setSelected(all ? new Set(tickets.map((x) => x.id)) : new Set())}
                active={active}
                onActive={setActive}
                rowLinks={rowLinks}
              />
              <ActionError error={more.error} />
              {list.data.nextCursor ? (
                <button type="button" onClick={loadMore} disabled={more.busy}>
                  {t('tickets.loadMore')}
                </button>
              ) : null}
            </>
          ) : list.error ? (
            <ErrorMessage error={list.error} onRetry={list.reload} />
          ) : (
            <Loading />
          )}
          <p className="muted ag-shortcut-hint">{t('shortcuts.hint')}</p>
        </div>
      </div>
    </Page>
  );
}

/** The saved views (SPEC §8.3) with their counts; each is a link, so a view can be bookmarked or shared. */
function ViewList({
  current,
  counts,
  approvalsEnabled,
  language,
}: {
  current: TicketViewId | null;
  counts: TicketViewCounts | null;
  approvalsEnabled: boolean;
  language: string;
}) {
  const { t } = useTranslation('agent');
  const views = TICKET_VIEWS.filter((v) => approvalsEnabled || !APPROVAL_VIEWS.includes(v));
  const countOf = (v: TicketViewId) => counts?.views.find((c) => c.id === v)?.count;
  return (
    <nav className="ag-views" aria-label={t('views.label')}>
      <ul>
        <li>
          <Link to="/" aria-current={current === null ? 'page' : undefined}>
            {t('views.all')}
          </Link>
        </li>
        {views.map((v) => {
          const count = countOf(v);
          return (
            <li key={v}>
              <Link to={`/?view=${v}`} aria-current={current === v ? 'page' : undefined}>
                <span>{t(`views.${v}`)}</span>
                {count !== undefined ? (
                  <span className="ag-view-count">
                    <span className="visually-hidden">: </span>
                    {formatNumber(count, language)}
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function SearchForm({
  q,
  inputRef,
  onSearch,
}: {
  q: string;
  inputRef: React.RefObject<HTMLInputElement | null>;
  onSearch: (q: string) => void;
}) {
  const { t } = useTranslation('agent');
  const id = useId();
  const [value, setValue] = useState(q);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(value.trim());
  };
  return (
    <search className="ag-search" aria-label={t('search.label')}>
      <form className="row" onSubmit={submit}>
        <label htmlFor={id} className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          ref={inputRef}
          id={id}
          type="search"
          value={value}
          placeholder={t('search.placeholder')}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
        <button type="submit">{t('search.submit')}</button>
        {q ? (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setValue('');
              onSearch('');
            }}
          >
            {t('search.clear')}
          </button>
        ) : null}
      </form>
    </search>
  );
}

function Filters({
  state,
  members,
  approvalsEnabled,
  onChange,
}: {
  state: ListState;
  members: Member[];
  approvalsEnabled: boolean;
  onChange: (changes: Record<string, string | null>) => void;
}) {
  const { t } = useTranslation('agent');
  const ids = {
    status: useId(),
    assignee: useId(),
    priority: useId(),
    tag: useId(),
    approval: useId(),
    sort: useId(),
    order: useId(),
  };
  const [tag, setTag] = useState(state.tag);
  useEffect(() => setTag(state.tag), [state.tag]);
  const applyTag = () => {
    if (tag.trim() !== state.tag) onChange({ tag: tag.trim() });
  };
  return (
    <fieldset className="ag-filters">
      <legend>{t('filters.legend')}</legend>
      <div className="ag-filter-field">
        <label htmlFor={ids.status}>{t('filters.status')}</label>
        <select
          id={ids.status}
          value={state.status ?? ''}
          onChange={(e) => onChange({ status: e.target.value })}
        >
          <option value="">{t('filters.any')}</option>
          {TICKET_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`common:ticketStatus.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="ag-filter-field">
        <label htmlFor={ids.assignee}>{t('filters.assignee')}</label>
        <select
          id={ids.assignee}
          value={state.assigneeId ?? ''}
          onChange={(e) => onChange({ assigneeId: e.target.value })}
        >
          <option value="">{t('filters.anyone')}</option>
          <option value="me">{t('filters.me')}</option>
          <option value="none">{t('filters.nobody')}</option>
          {members
            .filter((m) => m.active || m.id === state.assigneeId)
            .map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
        </select>
      </div>
      <div className="ag-filter-field">
        <label htmlFor={ids.priority}>{t('filters.priority')}</label>
        <select
          id={ids.priority}
          value={state.priority ?? ''}
          onChange={(e) => onChange({ priority: e.target.value })}
        >
          <option value="">{t('filters.any')}</option>
          {TICKET_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="ag-filter-field">
        <label htmlFor={ids.tag}>{t('filters.tag')}</label>
        <input
          id={ids.tag}
          type="text"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onBlur={applyTag}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              applyTag();
            }
          }}
        />
      </div>
      {approvalsEnabled ? (
        <div className="ag-filter-field">
          <label htmlFor={ids.approval}>{t('tickets.filter')}</label>
          <select
            id={ids.approval}
            value={state.approvalStatus ?? ''}
            onChange={(e) => onChange({ approvalStatus: e.target.value })}
          >
            <option value="">{t('tickets.filterAll')}</option>
            {APPROVAL_STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === 'unfinished' ? t('tickets.filterUnfinished') : t(`common:status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="ag-filter-field">
        <label htmlFor={ids.sort}>{t('sort.by')}</label>
        <select id={ids.sort} value={state.sort ?? ''} onChange={(e) => onChange({ sort: e.target.value })}>
          <option value="">{state.q ? t('sort.relevance') : t('sort.updated')}</option>
          {TICKET_SORTS.filter((s) => state.q || s !== 'updated').map((s) => (
            <option key={s} value={s}>
              {t(`sort.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {state.sort || !state.q ? (
        <div className="ag-filter-field">
          <label htmlFor={ids.order}>{t('sort.order')}</label>
          <select
            id={ids.order}
            value={state.order}
            onChange={(e) => onChange({ order: e.target.value === 'asc' ? 'asc' : null })}
          >
            <option value="desc">
              {t(state.sort === 'priority' ? 'sort.urgentFirst' : 'sort.newestFirst')}
            </option>
            <option value="asc">{t(state.sort === 'priority' ? 'sort.lowFirst' : 'sort.oldestFirst')}</option>
          </select>
        </div>
      ) : null}
      {isFiltered({ ...state, q: '' }) ? (
        <button
          type="button"
          className="link-button"
          onClick={() =>
            onChange({ status: null, assigneeId: null, priority: null, tag: null, approvalStatus: null })
          }
        >
          {t('filters.clear')}
        </button>
      ) : null}
    </fieldset>
  );
}

function TicketTable({
  tickets,
  state,
  members,
  showApprovals,
  filtered,
  selected,
  onToggle,
  onToggleAll,
  active,
  onActive,
  rowLinks,
}: {
  tickets: Ticket[];
  state: ListState;
  members: Member[];
  showApprovals: boolean;
  filtered: boolean;
  selected: Set<string>;
  onToggle: (id: string) => void;
  onToggleAll: (all: boolean) => void;
  active: number;
  onActive: (index: number) => void;
  rowLinks: React.RefObject<(HTMLAnchorElement | null)[]>;
}) {
  const { t, i18n } = useTranslation('agent');
  if (tickets.length === 0) {
    return (
      <EmptyState>
        {state.q ? t('search.none') : filtered ? t('tickets.emptyFiltered') : t('tickets.empty')}
      </EmptyState>
    );
  }
  const sortName = state.sort ?? (state.q ? null : 'updated');
  const caption = sortName
    ? t('tickets.captionSorted', {
        sort: t(`sort.${sortName}`),
        order: t(
          sortName === 'priority'
            ? state.order === 'asc'
              ? 'sort.lowFirst'
              : 'sort.urgentFirst'
            : state.order === 'asc'
              ? 'sort.oldestFirst'
              : 'sort.newestFirst',
        ),
      })
    : t('search.caption');
  const allSelected = tickets.every((x) => selected.has(x.id));
  const nameOf = (id: string | null) =>
    id ? (members.find((m) => m.id === id)?.name ?? t('people.unknown')) : t('ticket.unassigned');
  return (
    <table className="responsive ag-tickets">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="ag-select-cell">
            <input
              type="checkbox"
              aria-label={t('bulk.selectAll')}
              checked={allSelected}
              onChange={(e) => onToggleAll(e.target.checked)}
            />
          </th>
          <th scope="col">{t('tickets.number')}</th>
          <th scope="col">{t('tickets.subject')}</th>
          <th scope="col">{t('tickets.requester')}</th>
          <th scope="col">{t('tickets.status')}</th>
          <th scope="col">{t('tickets.priority')}</th>
          <th scope="col">{t('tickets.tags')}</th>
          <th scope="col">{t('tickets.assignee')}</th>
          <th scope="col">{t('tickets.updated')}</th>
          {showApprovals ? <th scope="col">{t('tickets.approvalStatus')}</th> : null}
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket, index) => (
          <tr
            key={ticket.id}
            className={`${index === active ? 'ag-row-active' : ''}${selected.has(ticket.id) ? ' ag-row-selected' : ''}`}
          >
            <td className="ag-select-cell">
              <input
                type="checkbox"
                aria-label={t('bulk.selectOne', { number: ticket.number })}
                checked={selected.has(ticket.id)}
                onChange={() => onToggle(ticket.id)}
              />
            </td>
            <td>
              <CellLabel label={t('tickets.number')} />#{ticket.number}
            </td>
            <td className="ag-subject">
              <Link
                to={`/tickets/${ticket.id}`}
                ref={(el) => {
                  rowLinks.current[index] = el;
                }}
                onFocus={() => onActive(index)}
              >
                {ticket.subject}
              </Link>
            </td>
            <td>
              <CellLabel label={t('tickets.requester')} />
              {ticket.requester?.name ?? t('people.unknown')}
            </td>
            <td>
              <CellLabel label={t('tickets.status')} />
              {t(`common:ticketStatus.${ticket.status}`)}
            </td>
            <td>
              <CellLabel label={t('tickets.priority')} />
              <span className={`ag-priority ag-priority-${ticket.priority}`}>
                {t(`priority.${ticket.priority}`)}
              </span>
            </td>
            <td>
              {ticket.tags.length > 0 ? <CellLabel label={t('tickets.tags')} /> : null}
              <TagList tags={ticket.tags} />
            </td>
            <td>
              <CellLabel label={t('tickets.assignee')} />
              {nameOf(ticket.assigneeId)}
            </td>
            <td>
              <CellLabel label={t('tickets.updated')} />
              <RelativeTime value={ticket.updatedAt} language={i18n.language} />
            </td>
            {showApprovals ? (
              <td>
                <CellLabel label={t('tickets.approvalStatus')} />
                <TicketApprovalStatus ticket={ticket} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A ticket's tags, each a link to the tickets with that tag. */
export function TagList({ tags }: { tags: string[] }) {
  const { t } = useTranslation('agent');
  if (tags.length === 0) return null;
  return (
    <ul className="ag-tag-list" aria-label={t('tickets.tags')}>
      {tags.map((tag) => (
        <li key={tag}>
          <Link
            to={`/?tag=${encodeURIComponent(tag)}`}
            className="ag-tag-chip"
            title={t('tags.filterBy', { tag })}
          >
            {tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
