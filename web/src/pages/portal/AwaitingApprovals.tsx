import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ApprovalTask, ApprovalTasks } from '../../api/types.js';
import { get } from '../../api.js';
import { ErrorMessage, Loading, StatusBadge, useAsync } from '../../components/common.js';
import { formatDate } from '../../i18n.js';

function AwaitingItem({ task }: { task: ApprovalTask }) {
  const { t, i18n } = useTranslation('portal');
  return (
    <li>
      {/* The approval's own page: it works for every approver, with or without access to the ticket. */}
      <Link className="item-title" to={`/portal/approvals/${task.id}`}>
        {t('approval.heading', { number: task.number, title: task.title })}
      </Link>{' '}
      <StatusBadge status={task.displayStatus} />
      <p className="meta small">
        <span>{t('awaiting.ticket', { number: task.ticket.number, subject: task.ticket.subject })}</span>
        {task.currentStepName ? <span>{t('awaiting.step', { name: task.currentStepName })}</span> : null}
        <span>
          {t('awaiting.requestedBy', {
            name: task.requestedBy.name ?? t('unknownPerson'),
            date: formatDate(task.createdAt, i18n.language),
          })}
        </span>
      </p>
    </li>
  );
}

/** "Approvals awaiting you": the approvals on which the contact is a current approver (rule 12). */
export function AwaitingApprovals({ hideWhenEmpty = false }: { hideWhenEmpty?: boolean }) {
  const { t } = useTranslation('portal');
  const { data, error, loading, reload } = useAsync(() => get<ApprovalTasks>('/me/approval-tasks'), 'tasks');
  if (hideWhenEmpty && (!data || data.awaitingMe.length === 0) && !error) return null;
  return (
    <section className="portal-section" aria-labelledby="awaiting-title">
      <h2 id="awaiting-title">{t('awaiting.title')}</h2>
      {loading && !data ? <Loading /> : null}
      <ErrorMessage error={error} onRetry={reload} />
      {data ? (
        data.awaitingMe.length === 0 ? (
          <p className="empty">{t('awaiting.empty')}</p>
        ) : (
          <ul className="portal-list">
            {data.awaitingMe.map((task) => (
              <AwaitingItem key={task.id} task={task} />
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
