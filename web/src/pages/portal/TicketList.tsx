import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TicketPage } from '../../api/types.js';
import { get } from '../../api.js';
import { EmptyState, ErrorMessage, Loading, StatusBadge, useAsync } from '../../components/common.js';
import { formatDate } from '../../i18n.js';

/** The contact's own tickets (the API gives contacts only theirs), newest first, a page at a time. */
export function TicketList({ showApprovals }: { showApprovals: boolean }) {
  const { t, i18n } = useTranslation('portal');
  const { data, error, loading, setData, reload } = useAsync(() => get<TicketPage>('/tickets'), 'tickets');
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });

  async function loadMore() {
    if (!data?.nextCursor) return;
    setMore({ busy: true, error: null });
    try {
      const next = await get<TicketPage>(`/tickets?cursor=${encodeURIComponent(data.nextCursor)}`);
      setData({ items: [...data.items, ...next.items], nextCursor: next.nextCursor });
      setMore({ busy: false, error: null });
    } catch (err) {
      setMore({ busy: false, error: err });
    }
  }

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  if (!data || data.items.length === 0) return <EmptyState>{t('tickets.empty')}</EmptyState>;
  return (
    <>
      <table className="responsive">
        <caption className="visually-hidden">{t('nav.myTickets')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tickets.subject')}</th>
            <th scope="col">{t('tickets.status')}</th>
            {showApprovals ? <th scope="col">{t('tickets.approval')}</th> : null}
            <th scope="col">{t('tickets.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((ticket) => (
            <tr key={ticket.id}>
              <td>
                <Link to={`/portal/tickets/${ticket.id}`}>
                  {t('ticket.heading', { number: ticket.number, subject: ticket.subject })}
                </Link>
              </td>
              <td>{t(`ticketStatus.${ticket.status}`, { ns: 'common' })}</td>
              {showApprovals ? (
                <td>
                  {ticket.approvalStatus ? (
                    <StatusBadge status={ticket.approvalStatus} />
                  ) : (
                    <span className="muted">{t('tickets.noApproval')}</span>
                  )}
                </td>
              ) : null}
              <td>
                <time dateTime={ticket.updatedAt}>{formatDate(ticket.updatedAt, i18n.language)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorMessage error={more.error} />
      {data.nextCursor ? (
        <p>
          <button type="button" onClick={loadMore} disabled={more.busy}>
            {t('tickets.loadMore')}
          </button>
        </p>
      ) : null}
    </>
  );
}
