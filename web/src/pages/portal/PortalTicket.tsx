import { useCallback, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { ActivityPage, Approval, ApprovalPage, TicketDetail } from '../../api/types.js';
import { get } from '../../api.js';
import { ApprovalCard } from '../../components/approval/ApprovalCard.js';
import { ErrorMessage, Loading, Page, StatusBadge, useAsync } from '../../components/common.js';
import { formatDate } from '../../i18n.js';
import { useSession } from '../../session.js';
import { ActivityList } from './ActivityList.js';
import { Conversation } from './Conversation.js';
import { problemStatus } from './util.js';
import './portal.css';

function TicketFacts({ ticket, showApproval }: { ticket: TicketDetail; showApproval: boolean }) {
  const { t, i18n } = useTranslation('portal');
  return (
    <dl className="meta">
      <dt>{t('ticket.status')}</dt>
      <dd>{t(`ticketStatus.${ticket.status}`, { ns: 'common' })}</dd>
      {showApproval && ticket.approvalStatus ? (
        <>
          <dt>{t('ticket.approval')}</dt>
          <dd>
            <StatusBadge status={ticket.approvalStatus} />
          </dd>
        </>
      ) : null}
      <dt>{t('ticket.opened')}</dt>
      <dd>
        <time dateTime={ticket.createdAt}>{formatDate(ticket.createdAt, i18n.language)}</time>
      </dd>
    </dl>
  );
}

/** The approvals section of the activity area; `focusId` (from `?approval=`) is scrolled to and focused. */
function ApprovalsSection({
  approvals,
  error,
  focusId,
  onReplace,
  onReload,
}: {
  approvals: Approval[] | null;
  error: unknown;
  focusId: string | null;
  onReplace(approval: Approval): void;
  onReload(): void;
}) {
  const { t } = useTranslation('portal');
  const focusedCard = useRef<HTMLElement | null>(null);
  const focusedOnce = useRef<string | null>(null);
  const found = Boolean(focusId && approvals?.some((a) => a.id === focusId));

  useEffect(() => {
    if (!found || focusedOnce.current === focusId || !focusedCard.current) return;
    focusedOnce.current = focusId;
    focusedCard.current.scrollIntoView({ block: 'start' });
    focusedCard.current.focus({ preventScroll: true });
  }, [found, focusId]);

  return (
    <section aria-labelledby="approvals-title">
      <h3 id="approvals-title">{t('approval.sectionTitle')}</h3>
      {approvals === null && !error ? <Loading /> : null}
      <ErrorMessage error={error} />
      {focusId && approvals && !found ? (
        <p className="muted" role="status">
          {t('approval.notFound')}
        </p>
      ) : null}
      {approvals && approvals.length === 0 ? <p className="empty">{t('approval.none')}</p> : null}
      {approvals?.map((approval) => (
        <ApprovalCard
          key={approval.id}
          audience="portal"
          ref={approval.id === focusId ? focusedCard : undefined}
          approval={approval}
          highlighted={approval.id === focusId}
          onChanged={onReplace}
          onReload={onReload}
        />
      ))}
    </section>
  );
}

/** `/portal/tickets/:id`: the conversation, the reply box, and the activity area with the approvals. */
export function PortalTicket() {
  const { t } = useTranslation('portal');
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { settings } = useSession();
  const approvalsVisible = Boolean(settings?.approvalsEnabled && settings.contactsCanViewApprovals);
  const ticket = useAsync(() => get<TicketDetail>(`/tickets/${id}`), id);
  const activity = useAsync(() => get<ActivityPage>(`/tickets/${id}/activity?limit=200`), id);
  const approvals = useAsync(
    () =>
      approvalsVisible
        ? get<ApprovalPage>(`/tickets/${id}/approvals`)
        : Promise.resolve<ApprovalPage>({ items: [], nextCursor: null }),
    `${id}:${approvalsVisible}`,
  );
  const { reload: reloadTicket } = ticket;
  const { reload: reloadActivity } = activity;
  const { reload: reloadApprovals, setData: setApprovals } = approvals;
  // After a reply or an approval action: the ticket's approval status and its activity change too.
  const refreshAround = useCallback(() => {
    void reloadTicket();
    void reloadActivity();
  }, [reloadTicket, reloadActivity]);
  const replaceApproval = useCallback(
    (next: Approval) => {
      setApprovals((page) =>
        page ? { ...page, items: page.items.map((a) => (a.id === next.id ? next : a)) } : page,
      );
      refreshAround();
    },
    [setApprovals, refreshAround],
  );
  const reloadAll = useCallback(() => {
    void reloadApprovals();
    refreshAround();
  }, [reloadApprovals, refreshAround]);

  if (ticket.loading && !ticket.data) return <Loading />;
  if (!ticket.data) {
    return (
      <Page title={problemStatus(ticket.error) === 404 ? t('ticket.notFound') : t('ticket.title')}>
        {problemStatus(ticket.error) === 404 ? null : (
          <ErrorMessage error={ticket.error} onRetry={ticket.reload} />
        )}
        <p>
          <Link to="/portal">{t('ticket.back')}</Link>
        </p>
      </Page>
    );
  }
  const data = ticket.data;
  return (
    <Page title={t('ticket.heading', { number: data.number, subject: data.subject })}>
      <p className="small">
        <Link to="/portal">{t('ticket.back')}</Link>
      </p>
      <TicketFacts ticket={data} showApproval={approvalsVisible} />
      <div className="ticket-layout">
        <Conversation
          ticketId={data.id}
          messages={data.messages}
          nextCursor={data.messagesNextCursor}
          onSent={refreshAround}
        />
        <section className="portal-section" aria-labelledby="activity-title">
          <h2 id="activity-title">{t('activity.title')}</h2>
          {approvalsVisible ? (
            <ApprovalsSection
              approvals={approvals.data?.items ?? null}
              error={approvals.error}
              focusId={params.get('approval')}
              onReplace={replaceApproval}
              onReload={reloadAll}
            />
          ) : null}
          <h3>{t('activity.recent')}</h3>
          <ErrorMessage error={activity.error} onRetry={activity.reload} />
          {activity.data ? (
            <ActivityList items={activity.data.items} approvals={approvals.data?.items ?? []} />
          ) : (
            <Loading />
          )}
        </section>
      </div>
    </Page>
  );
}
