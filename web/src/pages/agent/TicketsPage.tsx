import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get } from '../../api.js';
import { loadDirectory } from '../../components/approval/directory.js';
import { ActionError, useAction } from '../../components/approval/feedback.js';
import './agent.css';
import {
  APPROVAL_STATUS_FILTERS,
  type ApprovalStatusFilter,
  type Ticket,
  type TicketPage,
} from '../../api/types.js';
import { EmptyState, ErrorMessage, Loading, Page, useAsync } from '../../components/common.js';
import { useSession } from '../../session.js';
import { CellLabel } from './CellLabel.js';
import { NewTicketForm } from './NewTicketForm.js';
import { TicketApprovalStatus } from './TicketApprovalStatus.js';

const PAGE_SIZE = 25;

function isFilter(v: string | null): v is ApprovalStatusFilter {
  return APPROVAL_STATUS_FILTERS.includes(v as ApprovalStatusFilter);
}

/** `/`: the tickets, newest first, with their approval status, a filter on it, and "New ticket". */
export function TicketsPage() {
  const { t } = useTranslation('agent');
  const { settings } = useSession();
  const approvalsEnabled = settings?.approvalsEnabled ?? false;
  const [params, setParams] = useSearchParams();
  const raw = params.get('approvalStatus');
  const filter = approvalsEnabled && isFilter(raw) ? raw : null;
  const [creating, setCreating] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const navigate = useNavigate();

  const query = (cursor: string | null) =>
    `/tickets?limit=${PAGE_SIZE}${filter ? `&approvalStatus=${filter}` : ''}${
      cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    }`;
  const list = useAsync(() => get<TicketPage>(query(null)), `tickets:${filter ?? 'all'}`);
  const directory = useAsync(
    () => (creating ? loadDirectory(false) : Promise.resolve(null)),
    `dir:${creating}`,
  );
  const more = useAction();

  async function loadMore() {
    const cur = list.data;
    if (!cur?.nextCursor) return;
    const page = await more.run(() => get<TicketPage>(query(cur.nextCursor)));
    if (page) list.setData({ items: [...cur.items, ...page.items], nextCursor: page.nextCursor });
  }

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
      {approvalsEnabled ? (
        <ApprovalFilter
          value={filter}
          onChange={(next) => setParams(next ? { approvalStatus: next } : {}, { replace: true })}
        />
      ) : null}
      {list.data ? (
        <>
          <TicketTable
            tickets={list.data.items}
            showApprovals={approvalsEnabled}
            filtered={filter !== null}
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
    </Page>
  );
}

function ApprovalFilter({
  value,
  onChange,
}: {
  value: ApprovalStatusFilter | null;
  onChange: (v: ApprovalStatusFilter | null) => void;
}) {
  const { t } = useTranslation('agent');
  const id = useId();
  return (
    <div className="row ag-filter">
      <label htmlFor={id}>{t('tickets.filter')}</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(e) => onChange(isFilter(e.target.value) ? e.target.value : null)}
      >
        <option value="">{t('tickets.filterAll')}</option>
        {APPROVAL_STATUS_FILTERS.map((s) => (
          <option key={s} value={s}>
            {s === 'unfinished' ? t('tickets.filterUnfinished') : t(`common:status.${s}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function TicketTable({
  tickets,
  showApprovals,
  filtered,
}: {
  tickets: Ticket[];
  showApprovals: boolean;
  filtered: boolean;
}) {
  const { t } = useTranslation('agent');
  if (tickets.length === 0) {
    return <EmptyState>{filtered ? t('tickets.emptyFiltered') : t('tickets.empty')}</EmptyState>;
  }
  return (
    <table className="responsive ag-tickets">
      <caption className="visually-hidden">{t('tickets.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('tickets.number')}</th>
          <th scope="col">{t('tickets.subject')}</th>
          <th scope="col">{t('tickets.requester')}</th>
          <th scope="col">{t('tickets.status')}</th>
          {showApprovals ? <th scope="col">{t('tickets.approvalStatus')}</th> : null}
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket) => (
          <tr key={ticket.id}>
            <td>
              <CellLabel label={t('tickets.number')} />#{ticket.number}
            </td>
            <td>
              <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>
            </td>
            <td>
              <CellLabel label={t('tickets.requester')} />
              {ticket.requester?.name ?? t('people.unknown')}
            </td>
            <td>
              <CellLabel label={t('tickets.status')} />
              {t(`common:ticketStatus.${ticket.status}`)}
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
