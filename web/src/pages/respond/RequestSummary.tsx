import { useTranslation } from 'react-i18next';
import type { LinkPage } from '../../api/types.js';
import { StepList } from '../../components/approval/StepList.js';
import { StatusBadge } from '../../components/common.js';
import { formatDate } from '../../i18n.js';

/** Title, description, status, ticket, step details and the person expected to respond (SPEC §4). */
export function RequestSummary({ page }: { page: LinkPage }) {
  const { t, i18n } = useTranslation('respond');
  const { approval } = page;
  return (
    <section className="card" aria-labelledby="respond-details">
      <h2 id="respond-details">{t('details.title')}</h2>
      <dl className="respond-facts">
        <dt>{t('details.status')}</dt>
        <dd>
          <StatusBadge status={approval.displayStatus} />
        </dd>
        <dt>{t('details.requestedBy')}</dt>
        <dd>{approval.requestedBy.name ?? t('unknownPerson')}</dd>
        <dt>{t('details.ticket')}</dt>
        <dd>{t('details.ticketValue', { number: page.ticket.number, subject: page.ticket.subject })}</dd>
        <dt>{t('details.workspace')}</dt>
        <dd>{page.workspace.name}</dd>
        <dt>{t('details.expectedResponder')}</dt>
        <dd className="respond-responder">
          <strong>{page.expectedResponder.name ?? t('unknownPerson')}</strong>
        </dd>
        <dt>{t('details.expires')}</dt>
        <dd>
          <time dateTime={page.expiresAt}>{formatDate(page.expiresAt, i18n.language)}</time>
        </dd>
      </dl>
      <h3>{t('details.description')}</h3>
      {approval.description ? (
        <p className="pre-wrap">{approval.description}</p>
      ) : (
        <p className="empty">{t('details.noDescription')}</p>
      )}
      {page.kind === 'appeal' && approval.appeal ? (
        <>
          <h3>{t('details.appealReason')}</h3>
          <blockquote className="decision-comment">{approval.appeal.reason}</blockquote>
        </>
      ) : null}
      <h3>{t('details.steps')}</h3>
      <StepList steps={approval.steps} currentStepIndex={approval.currentStepIndex} audience="portal" />
    </section>
  );
}
